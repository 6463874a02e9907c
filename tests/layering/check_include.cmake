# cmake -P script: builds TARGET in BUILD_DIR. EXPECT=build: the build must succeed.
# EXPECT=fail: it must fail, and because HEADER was not found (not for another reason), while
# HEADER does exist in SOURCE_DIR.
if(NOT EXISTS ${SOURCE_DIR}/${HEADER})
  message(FATAL_ERROR "${HEADER} is not in ${SOURCE_DIR}: the check would prove nothing")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(EXPECT STREQUAL "build")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${TARGET}: expected to build, but it failed:\n${out}")
  endif()
elseif(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET}: including ${HEADER} built, but that header belongs to a layer above")
else()
  # GCC: "<header>: No such file or directory"; Clang: "'<header>' file not found".
  string(FIND "${out}" "${HEADER}: No such file or directory" gcc)
  string(FIND "${out}" "'${HEADER}' file not found" clang)
  if(gcc EQUAL -1 AND clang EQUAL -1)
    message(FATAL_ERROR "${TARGET}: failed, but not because ${HEADER} was not found:\n${out}")
  endif()
endif()
