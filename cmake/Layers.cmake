# The layers of ccbench, linked one way: ccbench_kernels <- ccbench_harness <- ccbench_reports
# <- the ccbench executable (cli/). Headers are included by their path from the source root
# ("harness/result.hpp"), but no target sees the source root itself: each layer exposes only
# its own folder, through a directory in the build tree that holds a link to it. A layer thus
# sees its own headers and those of the layers it links, and an include of a layer above it
# fails to compile (tests/layering checks this).
set(CCBENCH_LAYER_INCLUDE_ROOT ${CMAKE_BINARY_DIR}/layers)

# ccbench_layer(TARGET FOLDER [LINKS lower-layer targets...] [DEPENDS other libraries...]
#               [PRIVATE_DEPENDS libraries its headers do not expose...])
function(ccbench_layer target folder)
  cmake_parse_arguments(arg "" "" "LINKS;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  set(dir ${CCBENCH_LAYER_INCLUDE_ROOT}/${folder})
  file(MAKE_DIRECTORY ${dir})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${dir}/${folder} SYMBOLIC)  # replaces a stale one
  target_include_directories(${target} PUBLIC ${dir})
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  target_link_libraries(${target} PUBLIC ${arg_LINKS} ${arg_DEPENDS} PRIVATE ${arg_PRIVATE_DEPENDS})
endfunction()
