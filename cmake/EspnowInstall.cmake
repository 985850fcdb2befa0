# `cmake --install` puts the headers, libraries and a CMake package in the
# prefix, so that find_package(espnow CONFIG) gives espnow::espnow,
# espnow::host, espnow::async, espnow::idf_emul and espnow::idf_emul_main
# (main() for programs with only app_main), espnow::idf_emul_api (ESP-IDF's
# headers alone) and the function espnow_add_firmware, and each layer
# (espnow::common, ::wire, ::sim, ::radio, ::link, ::api, ::devices). The CLI (tools/) and the
# Python modules with their launcher (python/) install themselves.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ESPNOW_INSTALLED_TARGETS espnow espnow_common espnow_wire espnow_sim espnow_radio espnow_link espnow_api espnow_devices espnow_host)
foreach(optional espnow_async espnow_idf_emul_api espnow_idf_emul espnow_idf_emul_main)  # the fuzz build has none
  if(TARGET ${optional})
    list(APPEND ESPNOW_INSTALLED_TARGETS ${optional})
  endif()
endforeach()
install(TARGETS ${ESPNOW_INSTALLED_TARGETS} EXPORT espnowTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
# IdfLink's headers need ESP-IDF's esp_now.h: they belong to device builds
# (the ESP-IDF component), not to a host's prefix.
install(DIRECTORY include/espnow DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  PATTERN idf_link.hpp EXCLUDE PATTERN idf_types.hpp EXCLUDE)
install(EXPORT espnowTargets NAMESPACE espnow:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/espnow)

configure_package_config_file(cmake/espnowConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/espnowConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/espnow)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/espnowConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/espnowConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/espnowConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/EspnowFirmware.cmake
  ${CMAKE_CURRENT_LIST_DIR}/EspnowSdkconfig.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/espnow)
