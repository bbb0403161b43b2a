# Locate the libraries skrynka builds on. scripts/bootstrap installs them on Debian 12.

find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
pkg_check_modules(BOTAN REQUIRED IMPORTED_TARGET botan-2>=2.19)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus>=3.3)
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares>=1.18)

find_package(OpenSSL 3 REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED COMPONENTS json CONFIG)
find_package(fmt 9 REQUIRED)
find_package(spdlog 1.10 REQUIRED)
find_package(CLI11 2 REQUIRED)
find_package(Catch2 2 REQUIRED)

include(cmake/sqlcipher.cmake)
