# Run by sdkconfig_check.cmake: espnow_generate_sdkconfig on a file that is not there.
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/EspnowSdkconfig.cmake)
espnow_generate_sdkconfig(OUTPUT ${MISSING}.h SDKCONFIG ${MISSING})
