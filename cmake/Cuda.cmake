# CUDA backend: cuBLASLt GEMM, cuDNN convolution and ccbench's own STREAM and FMA kernels. ON
# when nvcc, cuBLAS/cuBLASLt and cuDNN are found; forcing it ON without them is an error. A
# build without CUDA still registers the backend, as unavailable with the reason.
include(CheckLanguage)
# The toolkit's default place counts even when it is not on PATH.
if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS /usr/local/cuda/bin/nvcc)
  set(ENV{CUDACXX} /usr/local/cuda/bin/nvcc)
endif()
check_language(CUDA)

set(_ccb_cuda_missing "")
if(CMAKE_CUDA_COMPILER)
  get_filename_component(_ccb_cuda_bin "${CMAKE_CUDA_COMPILER}" DIRECTORY)
  get_filename_component(_ccb_cuda_root "${_ccb_cuda_bin}" DIRECTORY)
  set(CUDAToolkit_ROOT "${_ccb_cuda_root}")
  find_package(CUDAToolkit QUIET)
  if(NOT TARGET CUDA::cublasLt OR NOT TARGET CUDA::cublas OR NOT TARGET CUDA::cudart)
    list(APPEND _ccb_cuda_missing "cuBLAS/cuBLASLt")
  endif()
  find_path(CCBENCH_CUDNN_INCLUDE_DIR cudnn.h HINTS ${CUDAToolkit_INCLUDE_DIRS} "${_ccb_cuda_root}/include")
  find_library(CCBENCH_CUDNN_LIBRARY cudnn HINTS ${CUDAToolkit_LIBRARY_DIR} "${_ccb_cuda_root}/lib64" "${_ccb_cuda_root}/lib")
  if(NOT CCBENCH_CUDNN_INCLUDE_DIR OR NOT CCBENCH_CUDNN_LIBRARY)
    list(APPEND _ccb_cuda_missing "cuDNN")
  endif()
else()
  list(APPEND _ccb_cuda_missing "nvcc")
endif()

if(_ccb_cuda_missing)
  set(_ccb_cuda_found OFF)
else()
  set(_ccb_cuda_found ON)
endif()
option(CCBENCH_ENABLE_CUDA "Build the CUDA backend (cuBLASLt GEMM, cuDNN convolution, STREAM and FMA kernels)"
       ${_ccb_cuda_found})
if(CCBENCH_ENABLE_CUDA AND NOT _ccb_cuda_found)
  string(REPLACE ";" ", " _ccb_missing_text "${_ccb_cuda_missing}")
  message(FATAL_ERROR "CCBENCH_ENABLE_CUDA is ON but ${_ccb_missing_text} was not found: install the CUDA "
                      "toolkit with cuBLAS and cuDNN, or configure with -DCCBENCH_ENABLE_CUDA=OFF")
endif()

if(CCBENCH_ENABLE_CUDA)
  set(CCBENCH_CUDA_ARCHITECTURES "80-real;90" CACHE STRING
      "GPU architectures of ccbench's own CUDA kernels (CMake CUDA_ARCHITECTURES syntax)")
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES ${CCBENCH_CUDA_ARCHITECTURES})
  endif()
  # One CUDA runtime in the process: the shared one, which cuBLAS and cuDNN use too.
  set(CMAKE_CUDA_RUNTIME_LIBRARY Shared)
  enable_language(CUDA)
  add_library(ccbench::cudnn UNKNOWN IMPORTED)
  set_target_properties(ccbench::cudnn PROPERTIES IMPORTED_LOCATION ${CCBENCH_CUDNN_LIBRARY}
                                                  INTERFACE_INCLUDE_DIRECTORIES ${CCBENCH_CUDNN_INCLUDE_DIR})
  message(STATUS "ccbench: CUDA backend ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, architectures ${CCBENCH_CUDA_ARCHITECTURES})")
else()
  message(STATUS "ccbench: CUDA backend OFF (missing or disabled: ${_ccb_cuda_missing})")
endif()
