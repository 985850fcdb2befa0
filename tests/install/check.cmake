# The whole product installed into a scratch prefix and used from there only.
# cmake --install puts it in WORK/staging, which is then moved to WORK/prefix
# (an install must not depend on where it was first put); a separate project
# (consumer/) is built with find_package(espnow CONFIG) on the prefix; then
# run_installed.py runs, from the prefix: the C++ consumer, the C program on
# the emulated esp_now API, a script through PREFIX/bin/espnow-python, and
# PREFIX/bin/espnow.
# Inputs: SRC (the source tree), BIN (the build tree), WORK (a scratch folder).
file(REMOVE_RECURSE ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}\n${err}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${BIN} --prefix ${WORK}/staging)
file(RENAME ${WORK}/staging ${WORK}/prefix)
set(prefix ${WORK}/prefix)

run(${CMAKE_COMMAND} -S ${SRC}/tests/install/consumer -B ${WORK}/consumer
    -DCMAKE_PREFIX_PATH=${prefix} -DESPNOW_C_EXAMPLE_DIR=${SRC}/tests/idf)
run(${CMAKE_COMMAND} --build ${WORK}/consumer -j2)
message(STATUS "find_package(espnow CONFIG) works from ${prefix}")

# Projects the package must refuse at configure time, saying why: `project`
# (a folder of tests/install/) must fail with an error matching `pattern`.
function(expect_refused project pattern what)
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC}/tests/install/${project} -B ${WORK}/${project}
                          -DCMAKE_PREFIX_PATH=${prefix}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REPLACE "\n" " " err_line "${err}")
  if(rc EQUAL 0 OR NOT err_line MATCHES "${pattern}")
    message(FATAL_ERROR "${what}: not refused as it should be:\n${out}\n${err}")
  endif()
  message(STATUS "${what}: refused")
endfunction()
# A firmware module that would carry the emulation itself (a component
# linking espnow::idf_emul), naming the way out; a C-only project.
expect_refused(bad_firmware_component "bad_firmware links espnow::idf_emul \\(through radio\\).*espnow::idf_emul_api"
               "a firmware component linking espnow::idf_emul")
expect_refused(c_only_firmware "espnow_add_firmware\\(fw\\) needs C\\+\\+ as well as C" "a C-only project")

find_program(PYTHON3 python3 REQUIRED)
execute_process(COMMAND ${PYTHON3} ${SRC}/tests/install/run_installed.py
    --prefix ${prefix} --consumer ${WORK}/consumer --build-tree ${BIN} --work ${WORK}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the installed product failed (run_installed.py exited ${rc})")
endif()
