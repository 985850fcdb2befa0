// Standard output and error with each chip's lines prefixed by its MAC, for
// many chips in one process (the --sim start-up, sim_command.hpp): what a
// chip's task prints (printf, puts, ESP_LOGx, std::cout; fprintf(stderr),
// ESP_ERROR_CHECK's report, std::cerr) is cut into lines per chip and stream,
// and every line goes out whole as "02:00:00:00:00:01 <line>", so chips'
// lines never mix. Lines printed by a thread with no chip selected go out as
// they are.
#pragma once

namespace espnow::emul {

// Makes stdout and stderr (and std::cout, cerr, clog) prefixed streams,
// unbuffered, so each write is attributed to the thread that makes it; lines
// go to the process's standard output or error as they are completed.
void prefix_output_by_chip();
// Writes out the lines still unfinished (a chip printed no final newline), as
// lines of their own.
void flush_chip_lines();

}  // namespace espnow::emul
