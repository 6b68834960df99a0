// swift-tools-version:6.0
// libFuzzer targets for Reseau (issue 6). Not part of the normal build: the root package does
// not know about this folder. Build and run with `scripts/fuzz query|csv SECONDS`; see docs/fuzzing.md.
import PackageDescription

// libFuzzer provides `main`; AddressSanitizer catches what Swift's own checks do not.
// scripts/fuzz also passes `-Xswiftc -sanitize=fuzzer,address` so that ReseauCore itself is
// instrumented for coverage (unsafeFlags here only reach the targets of this package).
// SwiftPM links its own `main` into executables, so each fuzzer's main.swift calls
// LLVMFuzzerRunDriver (FuzzHarness/Driver.swift) rather than relying on libFuzzer's `main`.
let fuzzerFlags: [SwiftSetting] = [.unsafeFlags(["-sanitize=fuzzer,address"])]
let fuzzerLink: [LinkerSetting] = [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]

let package = Package(
    name: "ReseauFuzz",
    dependencies: [
        // The root package (identity "reseau" whatever the checkout's folder is called).
        .package(name: "Reseau", path: ".."),
    ],
    targets: [
        // What each fuzzer does with one input; also compiled without libFuzzer by the
        // regression tests (Tests/ReseauCoreTests/FuzzRegressionTests.swift keeps a copy).
        .target(
            name: "FuzzHarness",
            dependencies: [.product(name: "ReseauCore", package: "Reseau")],
            swiftSettings: fuzzerFlags
        ),
        .executableTarget(
            name: "fuzz-query",
            dependencies: ["FuzzHarness"],
            swiftSettings: fuzzerFlags,
            linkerSettings: fuzzerLink
        ),
        .executableTarget(
            name: "fuzz-csv",
            dependencies: ["FuzzHarness"],
            swiftSettings: fuzzerFlags,
            linkerSettings: fuzzerLink
        ),
    ],
    swiftLanguageModes: [.v6]
)
