# cmake -P script: a quoted include is looked up first beside the including file, before any
# include directory, so "../harness/x.hpp" from kernels/ would get past the layer boundaries.
# No source of a layer may include a path that climbs out of its folder.
set(found "")
foreach(layer IN ITEMS kernels harness reports cli)
  file(GLOB_RECURSE sources ${SOURCE_DIR}/${layer}/*.hpp ${SOURCE_DIR}/${layer}/*.cpp ${SOURCE_DIR}/${layer}/*.cu)
  foreach(source IN LISTS sources)
    file(STRINGS ${source} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<][^\">]*\\.\\./")
    foreach(line IN LISTS lines)
      string(APPEND found "\n  ${source}: ${line}")
    endforeach()
  endforeach()
endforeach()
if(found)
  message(FATAL_ERROR "includes that climb out of their layer's folder (include by the path from the source root):${found}")
endif()
