// The threads the library starts for itself (an air's receiver, a radio's
// transmitter, the irq dispatcher, a simulation's programs) leave the
// process's signals to the application's own threads.
//
// Linux hands a signal sent to a process to any thread that does not block
// it. When that is one of ours, the application's handler runs there and its
// own thread, asleep in epoll or select, is not woken: CPython, for one, runs
// Python signal handlers only in its main thread, so a script's Ctrl-C waited
// for the main thread's next timeout (10 s in the seeds' asyncio example).
#pragma once

#include <thread>
#include <utility>

#if !defined(ESP_PLATFORM)
#include <pthread.h>
#include <csignal>
#endif

namespace espnow {

#if !defined(ESP_PLATFORM)
// The asynchronous signals a user sends a process (the terminal's, kill's,
// timers', children's); faults (SIGSEGV, SIGBUS, ...) and SIGPIPE stay with
// the thread that causes them.
inline sigset_t process_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, SIGWINCH, SIGTSTP, SIGTTIN,
                SIGTTOU})
    sigaddset(&set, s);
  return set;
}
#endif

// std::thread(body), born with process_signals() blocked: the caller's mask
// is narrowed only while the thread is made, so no signal is lost (one that
// comes meanwhile waits for the caller's restored mask).
template <class Body>
std::thread start_library_thread(Body&& body) {
#if defined(ESP_PLATFORM)
  return std::thread(std::forward<Body>(body));
#else
  struct Narrowed {  // restores the caller's mask, also when std::thread throws
    sigset_t before;
    Narrowed() {
      const sigset_t quiet = process_signals();
      pthread_sigmask(SIG_BLOCK, &quiet, &before);
    }
    ~Narrowed() { pthread_sigmask(SIG_SETMASK, &before, nullptr); }
  } narrowed;
  return std::thread(std::forward<Body>(body));
#endif
}

}  // namespace espnow
