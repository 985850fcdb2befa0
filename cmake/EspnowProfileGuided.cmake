# Profile-guided optimization, for the release build (`make release`, which
# `make bench` measures; scripts/build-release.sh runs the steps). A build
# configured with ESPNOW_PROFILE_GENERATE=DIR is instrumented and writes
# its profile to DIR when its programs run; one configured with
# ESPNOW_PROFILE_USE=DIR compiles with that profile. The two are different
# build directories: -fprofile-prefix-path names each object's profile by its
# path inside its own build directory, so both find the same files.
set(ESPNOW_PROFILE_GENERATE "" CACHE PATH "Instrument every target; its runs write their profile to this directory")
set(ESPNOW_PROFILE_USE "" CACHE PATH "Optimize with the profile in this directory (made by an ESPNOW_PROFILE_GENERATE build)")
set(ESPNOW_PROFILE_TRAINING "" CACHE STRING "Names the training the profile comes from: a new name compiles every object again")

if(ESPNOW_PROFILE_GENERATE AND ESPNOW_PROFILE_USE)
  message(FATAL_ERROR "ESPNOW_PROFILE_GENERATE and ESPNOW_PROFILE_USE: a build either makes a profile or uses one")
endif()
if((ESPNOW_PROFILE_GENERATE OR ESPNOW_PROFILE_USE) AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  message(FATAL_ERROR "ESPNOW_PROFILE_GENERATE/USE take GCC's options (-fprofile-prefix-path): "
                      "this build's compiler is ${CMAKE_CXX_COMPILER_ID}")
endif()
if(ESPNOW_PROFILE_GENERATE)
  # Atomic counters: a program's threads may run the same code at once, and
  # counts lost between them make a profile GCC refuses as corrupted (a
  # training over the UDP air, with its receive and sending threads, did).
  add_compile_options(-fprofile-generate=${ESPNOW_PROFILE_GENERATE} -fprofile-prefix-path=${CMAKE_BINARY_DIR}
                      -fprofile-update=atomic)
  add_link_options(-fprofile-generate=${ESPNOW_PROFILE_GENERATE})
elseif(ESPNOW_PROFILE_USE)
  if(NOT IS_DIRECTORY ${ESPNOW_PROFILE_USE})
    message(FATAL_ERROR "ESPNOW_PROFILE_USE: no profile in ${ESPNOW_PROFILE_USE} (make one with scripts/build-release.sh)")
  endif()
  # Code the training never ran (the UDP air, the gateway, the emulation)
  # is optimized as without a profile (-fprofile-partial-training), not for
  # size as code the profile calls cold; a source changed since the profile
  # was made compiles with a warning, not an error.
  add_compile_options(-fprofile-use=${ESPNOW_PROFILE_USE} -fprofile-prefix-path=${CMAKE_BINARY_DIR}
                      -fprofile-partial-training -Wno-missing-profile -Wno-error=coverage-mismatch)
  if(ESPNOW_PROFILE_TRAINING)
    # The profile's files are no dependency CMake knows of: this name in
    # every compile command is what makes a new training reach every object.
    add_compile_definitions(ESPNOW_PROFILE_TRAINING=${ESPNOW_PROFILE_TRAINING})
  endif()
endif()
