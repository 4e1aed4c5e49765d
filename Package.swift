// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PrismaRelay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "prisma-relay", targets: ["prisma-relay"]),
        .library(name: "Relay", targets: ["Relay"]),
        .library(name: "PrismaSim", targets: ["PrismaSim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/drmohundro/SWXMLHash", from: "8.1.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "RelayModel"),
        .target(
            name: "RelayHTTP",
            dependencies: [
                "RelayModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "PrismaAPI",
            dependencies: [
                "RelayModel", "RelayHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "RelayStore",
            dependencies: [
                "RelayModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Delivery",
            dependencies: [
                "RelayModel", "RelayStore", "RelayHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SWXMLHash", package: "SWXMLHash"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "RelayModel", "RelayStore", "Delivery", "RelayHTTP", "HTTPServing",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "HTTPServing",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "PrismaSim",
            dependencies: [
                "RelayModel", "HTTPServing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Relay",
            dependencies: [
                "RelayModel", "RelayHTTP", "PrismaAPI", "RelayStore", "Delivery",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "RelayDemo",
            dependencies: [
                "Relay", "RelayModel", "PrismaSim", "HTTPServing", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "RelayServer",
            dependencies: [
                "Relay", "RelayModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Console/Templates"), .copy("Console/Assets")]
        ),
        .executableTarget(
            name: "prisma-relay",
            dependencies: [
                "Relay", "RelayDemo", "RelayModel", "PrismaSim", "HTTPServing", "RelayServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "prisma-relay-bench",
            dependencies: [
                "Relay", "RelayModel", "RelayStore", "RelayHTTP", "PrismaAPI", "Delivery", "PrismaSim", "HTTPServing", "TestSupport",
            ]
        ),
        .testTarget(name: "RelayModelTests", dependencies: ["RelayModel", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PrismaAPITests", dependencies: ["PrismaAPI", "RelayHTTP", "PrismaSim", "HTTPServing"]),
        .testTarget(
            name: "RelayStoreTests",
            dependencies: [
                "RelayStore", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "PrismaSimTests",
            dependencies: ["PrismaSim", "HTTPServing", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .testTarget(
            name: "RelayServerTests",
            dependencies: [
                "RelayServer", "Relay", "RelayStore", "Delivery", "PrismaSim", "HTTPServing", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "DeliveryTests",
            dependencies: ["Delivery", "TestSupport", "RelayStore", "RelayModel", "PrismaSim", "HTTPServing", "RelayHTTP"],
            exclude: ["Reference"]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Delivery", "RelayStore", "RelayModel", "PrismaSim", "HTTPServing", "RelayHTTP", "TestSupport",
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "PrismaSim", "HTTPServing", "RelayModel", "TestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RelayTests",
            dependencies: [
                "Relay", "PrismaSim", "HTTPServing", "RelayStore", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)

// Upcoming language rules, on for every target: existentials are spelled `any`, and a member is visible only
// where its module is imported.
for target in package.targets {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
