# Records the source revision (sha + dirty flag) at every build, into the build tree only.
set(CCBENCH_GIT_INFO_CPP ${CMAKE_CURRENT_BINARY_DIR}/generated/git_info.cpp)
add_custom_target(ccbench_git_info_gen
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}
          -DOUTPUT=${CCBENCH_GIT_INFO_CPP} -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/WriteGitInfo.cmake
  BYPRODUCTS ${CCBENCH_GIT_INFO_CPP}
  COMMENT "Recording git revision")
add_library(ccbench_git_info STATIC ${CCBENCH_GIT_INFO_CPP})
add_dependencies(ccbench_git_info ccbench_git_info_gen)
