# Dependency discovery. Every dependency here comes from a Debian package
# (cmake/install-deps.sh installs them); all are required for the CPU build.
find_package(PkgConfig REQUIRED)
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(benchmark 1.7 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(SQLite3 REQUIRED)

# OpenBLAS: pkg-config gives the include directory of the selected threading variant, whose
# cblas.h declares the openblas_* extensions (thread count, config string).
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
add_library(ccbench::openblas ALIAS PkgConfig::OPENBLAS)

pkg_check_modules(HWLOC REQUIRED IMPORTED_TARGET hwloc>=2.0)
# libsodium: Ed25519 signatures and BLAKE2b for ccbench sign / verify (minisign's formats).
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
add_library(ccbench::hwloc ALIAS PkgConfig::HWLOC)

# oneDNN (Debian's libdnnl-dev): the onednn backend is ON when found; forcing it ON without
# the library is an error. Found by header and library: Debian's dnnl-config.cmake also
# demands OpenCL, which the CPU engine does not use.
find_path(CCBENCH_DNNL_INCLUDE_DIR oneapi/dnnl/dnnl.hpp)
find_library(CCBENCH_DNNL_LIBRARY dnnl)
if(CCBENCH_DNNL_INCLUDE_DIR AND CCBENCH_DNNL_LIBRARY)
  set(dnnl_FOUND ON)
else()
  set(dnnl_FOUND OFF)
endif()
option(CCBENCH_ENABLE_ONEDNN "Build the oneDNN backend (BF16/INT8 matmul and convolution)" ${dnnl_FOUND})
if(CCBENCH_ENABLE_ONEDNN AND dnnl_FOUND AND NOT TARGET ccbench::dnnl)
  add_library(ccbench::dnnl UNKNOWN IMPORTED)
  set_target_properties(ccbench::dnnl PROPERTIES IMPORTED_LOCATION ${CCBENCH_DNNL_LIBRARY}
                                                 INTERFACE_INCLUDE_DIRECTORIES ${CCBENCH_DNNL_INCLUDE_DIR})
endif()
if(CCBENCH_ENABLE_ONEDNN AND NOT dnnl_FOUND)
  message(FATAL_ERROR "CCBENCH_ENABLE_ONEDNN is ON but oneDNN was not found: install libdnnl-dev "
                      "(cmake/install-deps.sh) or configure with -DCCBENCH_ENABLE_ONEDNN=OFF")
endif()
message(STATUS "ccbench: oneDNN backend ${CCBENCH_ENABLE_ONEDNN}")

# Open MPI (Debian's openmpi-bin and libopenmpi-dev): fleet runs, one rank per node under
# mpirun or srun. ON when found; forcing it ON without MPI is an error. Without it ccbench
# measures one node, as a plain `ccbench run`.
find_package(MPI COMPONENTS CXX QUIET)
option(CCBENCH_ENABLE_MPI "Build fleet runs over MPI (mpirun/srun ccbench run)" ${MPI_CXX_FOUND})
if(CCBENCH_ENABLE_MPI AND NOT MPI_CXX_FOUND)
  message(FATAL_ERROR "CCBENCH_ENABLE_MPI is ON but MPI was not found: install openmpi-bin and libopenmpi-dev "
                      "(cmake/install-deps.sh) or configure with -DCCBENCH_ENABLE_MPI=OFF")
endif()
message(STATUS "ccbench: MPI fleet runs ${CCBENCH_ENABLE_MPI}")
