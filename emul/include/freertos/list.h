/* freertos/list.h: included by task.h and queue.h as in FreeRTOS; the
 * emulation's kernel objects are host objects, so it declares nothing. */
#pragma once
#include "freertos/FreeRTOS.h"
