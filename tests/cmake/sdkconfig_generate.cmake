# Run by sdkconfig_check.cmake in a process of its own, so that its errors
# and warnings can be read: espnow_generate_sdkconfig on -DSDKCONFIG=FILE,
# writing FILE.h.
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/EspnowSdkconfig.cmake)
espnow_generate_sdkconfig(OUTPUT ${SDKCONFIG}.h SDKCONFIG ${SDKCONFIG})
