# -Wall -Wextra -Wpedantic everywhere; errors when ESPNOW_WERROR (make test, CI).
function(espnow_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  if(ESPNOW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Library code also checks narrowing conversions: frame fields are small ints.
function(espnow_library_warnings target)
  espnow_warnings(${target})
  target_compile_options(${target} PRIVATE -Wconversion -Wno-sign-conversion)
endfunction()
