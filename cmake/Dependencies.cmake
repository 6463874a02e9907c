# Dependency discovery. Every dependency here comes from a Debian package
# (cmake/install-deps.sh installs them); all are required for the CPU build.
find_package(PkgConfig REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(benchmark 1.7 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(fmt 9 REQUIRED)

# OpenBLAS: pkg-config gives the include directory of the selected threading variant, whose
# cblas.h declares the openblas_* extensions (thread count, config string).
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
add_library(ccbench::openblas ALIAS PkgConfig::OPENBLAS)

pkg_check_modules(HWLOC REQUIRED IMPORTED_TARGET hwloc>=2.0)
add_library(ccbench::hwloc ALIAS PkgConfig::HWLOC)
