// swift-tools-version:6.0
// Benchmarks for Reseau, kept out of the root package and its test suite:
// `reseau-gen` writes a synthetic network in the Data/ format, `reseau-bench` measures
// loading, memory and the W2–W6 queries in-process, `reseau-e0` is a stand-in for
// `reseau -e 'cities | count'` until the command line lands.
import PackageDescription

let package = Package(
    name: "ReseauBenchmarks",
    dependencies: [
        .package(name: "Reseau", path: ".."),
    ],
    targets: [
        // The generator itself (a library so that tests can run it at a tiny scale).
        .target(name: "ReseauGen"),
        .executableTarget(name: "reseau-gen", dependencies: [
            "ReseauGen", .product(name: "ReseauCore", package: "Reseau"),
        ]),
        .executableTarget(name: "reseau-bench", dependencies: [
            .product(name: "ReseauCore", package: "Reseau"),
        ]),
        .executableTarget(name: "reseau-e0", dependencies: [
            .product(name: "ReseauCore", package: "Reseau"),
        ]),
        .testTarget(name: "ReseauGenTests", dependencies: [
            "ReseauGen", .product(name: "ReseauCore", package: "Reseau"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
