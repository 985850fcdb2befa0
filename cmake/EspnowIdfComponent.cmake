# The ESP-IDF component: what a device build compiles. The host build uses
# the same list for its "IDF shape" compile check (tests/CMakeLists.txt), so
# the check covers exactly the component's sources.
set(ESPNOW_IDF_COMPONENT_SOURCES
  src/wire/phy.cpp
  src/common/errors.cpp
  src/common/clock.cpp
  src/common/spin_wait.cpp
  src/link/idf_link.cpp
  src/api/irq_dispatcher.cpp
  src/api/rx_ring.cpp
  src/api/espnow.cpp)
# AIOESPNow, built when Kconfig ESPNOW_ASYNC is on (Asio from espressif/asio).
set(ESPNOW_IDF_ASYNC_SOURCES src/async/aioespnow.cpp src/async/timer.cpp src/async/virtual_time.cpp)

if(ESP_PLATFORM)
  # Requirements may not depend on Kconfig (ESP-IDF expands them before it
  # loads the configuration): Asio always comes from the component manager
  # (idf_component.yml: espressif/asio); only the sources follow ESPNOW_ASYNC.
  set(espnow_srcs ${ESPNOW_IDF_COMPONENT_SOURCES})
  if(CONFIG_ESPNOW_ASYNC)
    list(APPEND espnow_srcs ${ESPNOW_IDF_ASYNC_SOURCES})
  endif()
  idf_component_register(
    SRCS ${espnow_srcs}
    INCLUDE_DIRS include
    REQUIRES esp_wifi mbedtls
    PRIV_REQUIRES vfs)
  if(NOT CMAKE_BUILD_EARLY_EXPANSION)
    target_compile_features(${COMPONENT_LIB} PUBLIC cxx_std_20)
    target_compile_definitions(${COMPONENT_LIB} PUBLIC ASIO_STANDALONE ASIO_NO_DEPRECATED)
  endif()
endif()
