// swift-tools-version:6.0
// Reseau: a query language over the network of the Réseau international des villes Michelin.
import PackageDescription

let package = Package(
    name: "Reseau",
    products: [
        .executable(name: "reseau", targets: ["reseau"]),
        .library(name: "ReseauCore", targets: ["ReseauCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    ],
    targets: [
        // libedit (Debian: libedit-dev), with static inline wrappers for its C variadics.
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // The engine: graph model and loader, lexer → parser → checker → plan → executor, output.
        .target(name: "ReseauCore"),
        // Command line and REPL: argument parsing, the libedit prompt, dot commands.
        .target(
            name: "ReseauCLI",
            dependencies: [
                "ReseauCore", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The thin executable. Linked as a fixed-address (non-PIE) executable in release builds:
        // a PIE one makes the dynamic loader apply ~40 000 relative relocations at every start
        // (a quarter of `reseau -e 'cities | count'`'s time; Benchmarks/analysis.md, W0).
        .executableTarget(
            name: "reseau", dependencies: ["ReseauCLI"],
            linkerSettings: [.unsafeFlags(["-Xclang-linker", "-no-pie"], .when(platforms: [.linux], configuration: .release))]
        ),
        .testTarget(
            name: "ReseauCoreTests",
            dependencies: ["ReseauCore", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ReseauCLITests",
            dependencies: ["ReseauCLI", "ReseauCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
