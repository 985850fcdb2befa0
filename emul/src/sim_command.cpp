// The --sim start-up (sim_command.hpp): arguments, the chips, the run.
#include "sim_command.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "chip_stdout.hpp"
#include "driver/gpio.h"
#include "espnow/common/environment.hpp"
#include "espnow/host/air_pcap.hpp"
#include "espnow_emul_simulation.hpp"
#include "sim_chip_power.hpp"

namespace espnow::emul {
namespace {

constexpr int kMaxChips = 1000;

// --gpio CHIP:PAD=LEVEL@SECONDS: what drives a chip's pad from outside, when.
struct GpioDrive {
  int chip = 0;  // from 1, as the MAC's last digits count
  int pad = 0;
  std::optional<int> level;  // nullopt: let go ('z')
  std::optional<int> millivolts;  // an analog voltage (NNNmV) for its ADC instead of a level
  double at_s = 0;
};

// --firmware FIRST[-LAST]=PATH: chips that run another program's firmware.
struct FirmwareChoice {
  int first = 0, last = 0;  // chips, from 1
  std::string module;       // the firmware module's path
};

struct SimArguments {
  int chips = 0;
  double seconds = 60.0;
  std::uint64_t seed = 1;
  double loss = 0.0;
  double spacing = 1.0;
  std::vector<std::uint8_t> channels{1};
  double drift_ppm = 0.0;
  double boot_spread_ms = 100.0;
  std::vector<GpioDrive> gpio;
  std::vector<AccessPoint> routers;
  std::vector<FirmwareChoice> firmwares;  // later ones win
  std::string pcap;  // empty: no capture
  bool help = false;
};

const char* const kUsage =
    "usage: %s [--sim N [--sim-seconds S] [--seed N] [--loss P] [--spacing M]\n"
    "          [--channel C[,C...]] [--drift PPM] [--boot-spread MS]\n"
    "          [--router SSID[:PASSWORD]@CH[,X,Y] ...] [--pcap FILE]\n"
    "          [--gpio CHIP:PAD=LEVEL@S ...] [--firmware CHIPS=PROGRAM ...]]\n"
    "Without --sim: one chip on the air ESPNOW_AIR names, running until signalled.\n"
    "  --sim N            run as N chips (1..1000) of one simulation, on virtual time;\n"
    "                     chip i has MAC 02:00:00:00:00:i+1 and its lines start with it\n"
    "  --sim-seconds S    virtual seconds to run (default 60)\n"
    "  --seed N           the simulation's seed (default 1): same arguments, same output\n"
    "  --loss P           probability that a frame or its ACK is lost, 0..1 (default 0)\n"
    "  --spacing M        metres between neighbours on a grid 16 chips wide (default 1)\n"
    "  --channel C,...    the chips' channels, 1..14, dealt in turn (default 1)\n"
    "  --boot-spread MS   each chip calls app_main up to MS ms after power-on (default\n"
    "                     100; 0: all in the same instant, in lockstep), drawn from the seed\n"
    "  --drift PPM        each chip's crystal off by up to PPM ppm, drawn from the seed\n"
    "  --router SSID[:PASSWORD]@CH[,X,Y]\n"
    "                     a router on channel CH at X,Y metres (default 0,0, chip 1's\n"
    "                     place) that the chips' Wi-Fi scans find and their stations\n"
    "                     join: WPA2 with a PASSWORD of 8..63 characters, else open;\n"
    "                     repeat it for more\n"
    "  --pcap FILE        every frame on the air (ESP-NOW, ACKs, routers' beacons) to a\n"
    "                     pcap file Wireshark opens: radiotap with channel, rate and\n"
    "                     signal, stamped with virtual time\n"
    "  --gpio CHIP:PAD=LEVEL@S\n"
    "                     at S virtual seconds, drive chip CHIP's (1..N) pad PAD to\n"
    "                     LEVEL (0 or 1; z lets it go; 1650mV puts a voltage on it for\n"
    "                     its ADC), as a button, a sensor or a battery would; repeat it.\n"
    "                     A button to ground on GPIO 0 of chip 1, pressed at 5 s for\n"
    "                     200 ms: --gpio 1:0=0@5 --gpio 1:0=z@5.2\n"
    "  --firmware CHIPS=PROGRAM\n"
    "                     chips CHIPS (K or K-L, from 1) run another firmware: PROGRAM\n"
    "                     is a program espnow_add_firmware made (or its .firmware.so);\n"
    "                     the others run this one. A gateway's firmware on chip 1 among\n"
    "                     sensors: sensor --sim 10 --firmware 1=./gateway\n";

// A bad argument: its reason; empty when there is none.
using Problem = std::string;

bool parse_number(std::string_view text, double& out) {
  if (text.empty()) return false;
  const std::string s(text);
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return *end == '\0' && std::isfinite(out);
}

bool parse_unsigned(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(s.c_str(), &end, 10);
  return *end == '\0' && errno == 0;
}

Problem parse_channels(std::string_view text, std::vector<std::uint8_t>& out) {
  out.clear();
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    std::uint64_t c = 0;
    if (!parse_unsigned(text.substr(start, comma - start), c) || c < 1 || c > 14)
      return "--channel takes channels 1..14 separated by commas, got '" + std::string(text) + "'";
    out.push_back(static_cast<std::uint8_t>(c));
    if (comma == std::string_view::npos) return {};
    start = comma + 1;
  }
}

// LEVEL of --gpio into `d`: 0, 1, z (let go: neither set), or NNNmV (0..5000).
bool parse_level(std::string_view level, GpioDrive& d) {
  if (level == "0" || level == "1") d.level = level == "1" ? 1 : 0;
  else if (level == "z") return true;
  else if (std::uint64_t mv = 0; level.size() > 2 && level.substr(level.size() - 2) == "mV" &&
                                 parse_unsigned(level.substr(0, level.size() - 2), mv) && mv <= 5000)
    d.millivolts = static_cast<int>(mv);
  else return false;
  return true;
}

// CHIP:PAD=LEVEL@SECONDS; the chip is checked against --sim once all are read.
Problem parse_gpio(std::string_view text, std::vector<GpioDrive>& out) {
  const Problem bad =
      "--gpio takes CHIP:PAD=LEVEL@SECONDS (LEVEL 0, 1, z or 0-5000 millivolts as 1650mV), got '" + std::string(text) + "'";
  const std::size_t colon = text.find(':'), eq = text.find('='), at = text.find('@');
  if (colon == std::string_view::npos || eq == std::string_view::npos || at == std::string_view::npos ||
      !(colon < eq && eq < at))
    return bad;
  std::uint64_t chip = 0, pad = 0;
  GpioDrive d{.chip = 0, .pad = 0, .level = std::nullopt, .millivolts = std::nullopt, .at_s = 0};
  if (!parse_unsigned(text.substr(0, colon), chip) || chip < 1 || !parse_unsigned(text.substr(colon + 1, eq - colon - 1), pad) ||
      !parse_number(text.substr(at + 1), d.at_s) || d.at_s < 0 || d.at_s > 1e9 ||
      !parse_level(text.substr(eq + 1, at - eq - 1), d))
    return bad;
  if (pad > 63 || !GPIO_IS_VALID_GPIO(static_cast<int>(pad)))
    return "--gpio: an ESP32 has no GPIO " + std::to_string(pad) + " (0..39 but 24 and 28..31), in '" + std::string(text) + "'";
  d.chip = static_cast<int>(std::min<std::uint64_t>(chip, kMaxChips + 1));
  d.pad = static_cast<int>(pad);
  out.push_back(d);
  return {};
}

// The firmware module of PATH: the file itself when it is one (a name
// ending in .firmware.so), else the module espnow_add_firmware put beside
// the program PATH. Empty, with `problem` set, when there is none.
std::string module_of(const std::string& path, Problem& problem) {
  const std::string suffix = ".firmware.so";
  const bool is_module = path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  const std::string module = is_module ? path : path + suffix;
  if (::access(module.c_str(), R_OK) == 0) return module;
  problem = is_module ? "--firmware: cannot read " + module
                      : "--firmware: " + path + " has no firmware module beside it (" + module +
                            "): name a program espnow_add_firmware made, or its .firmware.so";
  return {};
}

// Whether two paths name one file.
bool same_file(const std::string& a, const std::string& b) {
  struct stat sa{}, sb{};
  return !a.empty() && !b.empty() && ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 &&
         sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// CHIPS=PATH, CHIPS a chip or a range FIRST-LAST; checked against --sim once all are read.
Problem parse_firmware(std::string_view text, std::vector<FirmwareChoice>& out) {
  const Problem form = "--firmware takes CHIPS=PROGRAM (CHIPS a chip K or a range K-L), got '" + std::string(text) + "'";
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq + 1 == text.size()) return form;
  const std::string_view chips = text.substr(0, eq);
  const std::size_t dash = chips.find('-');
  std::uint64_t first = 0, last = 0;
  if (!parse_unsigned(chips.substr(0, dash), first) ||
      !parse_unsigned(dash == std::string_view::npos ? chips : chips.substr(dash + 1), last) || first < 1 || last < first)
    return form;
  Problem problem;
  std::string module = module_of(std::string(text.substr(eq + 1)), problem);
  if (module.empty()) return problem;
  out.push_back({static_cast<int>(std::min<std::uint64_t>(first, kMaxChips + 1)),
                 static_cast<int>(std::min<std::uint64_t>(last, kMaxChips + 1)), std::move(module)});
  return {};
}

// --router SSID[:PASSWORD]@CH[,X,Y]: a router on the air (add_access_point
// checks what a router may be).
Problem parse_router(std::string_view text, std::vector<AccessPoint>& out) {
  const Problem form = "--router takes SSID[:PASSWORD]@CHANNEL[,X,Y], got '" + std::string(text) + "'";
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos) return form;
  const std::string_view name = text.substr(0, at);
  const std::size_t colon = name.find(':');
  AccessPoint ap{.ssid = std::string(name.substr(0, colon)),
                 .password = colon == std::string_view::npos ? std::string() : std::string(name.substr(colon + 1))};
  std::string_view where = text.substr(at + 1);
  const std::size_t comma = where.find(',');
  std::uint64_t channel = 0;
  if (!parse_unsigned(where.substr(0, comma), channel) || channel > 255) return form;
  ap.channel = static_cast<std::uint8_t>(channel);
  if (comma != std::string_view::npos) {
    where = where.substr(comma + 1);
    const std::size_t second = where.find(',');
    double x = 0, y = 0;
    if (second == std::string_view::npos || !parse_number(where.substr(0, second), x) ||
        !parse_number(where.substr(second + 1), y))
      return form;
    ap.position = {x, y};
  }
  out.push_back(std::move(ap));
  return {};
}

// One option and its value into `a`.
Problem apply(SimArguments& a, std::string_view name, std::string_view value) {
  const std::string quoted = std::string(name) + " '" + std::string(value) + "'";
  std::uint64_t n = 0;
  double x = 0;
  if (name == "--sim") {
    if (!parse_unsigned(value, n) || n < 1 || n > kMaxChips) return "--sim takes 1..1000 chips, got '" + std::string(value) + "'";
    a.chips = static_cast<int>(n);
  } else if (name == "--sim-seconds") {
    if (!parse_number(value, x) || x <= 0 || x > 1e9) return "--sim-seconds must be a number of seconds > 0, got " + quoted;
    a.seconds = x;
  } else if (name == "--seed") {
    if (!parse_unsigned(value, n)) return "--seed must be an unsigned integer, got " + quoted;
    a.seed = n;
  } else if (name == "--loss") {
    if (!parse_number(value, x) || x < 0 || x > 1) return "--loss must be 0..1, got " + quoted;
    a.loss = x;
  } else if (name == "--spacing") {
    if (!parse_number(value, x) || x <= 0 || x > 1e6) return "--spacing must be metres > 0, got " + quoted;
    a.spacing = x;
  } else if (name == "--channel") {
    return parse_channels(value, a.channels);
  } else if (name == "--drift") {
    if (!parse_number(value, x) || x < 0 || x > 1e5) return "--drift must be 0..100000 ppm, got " + quoted;
    a.drift_ppm = x;
  } else if (name == "--boot-spread") {
    if (!parse_number(value, x) || x < 0 || x > 1e6) return "--boot-spread must be 0..1000000 ms, got " + quoted;
    a.boot_spread_ms = x;
  } else if (name == "--gpio") {
    return parse_gpio(value, a.gpio);
  } else if (name == "--router") {
    return parse_router(value, a.routers);
  } else if (name == "--firmware") {
    return parse_firmware(value, a.firmwares);
  } else if (name == "--pcap") {
    if (value.empty()) return "--pcap needs a file name";
    a.pcap = std::string(value);
  } else {
    return "unknown option '" + std::string(name) + "'";
  }
  return {};
}

bool is_option(std::string_view name) {
  for (const char* o : {"--sim", "--sim-seconds", "--seed", "--loss", "--spacing", "--channel", "--drift", "--boot-spread",
                        "--gpio", "--router", "--firmware", "--pcap"})
    if (name == o) return true;
  return false;
}

// --name value or --name=value, each once at most (--gpio and --router as often as needed).
Problem parse(int argc, char** argv, SimArguments& a) {
  std::vector<std::string> seen;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      a.help = true;
      continue;
    }
    std::string_view name = arg, value;
    const std::size_t eq = arg.find('=');
    if (eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    if (!is_option(name)) return "unknown argument '" + std::string(arg) + "'";
    for (const std::string& s : seen)
      if (s == name && name != "--gpio" && name != "--router" && name != "--firmware")
        return std::string(name) + " is given twice";
    seen.emplace_back(name);
    if (eq == std::string_view::npos) {
      if (i + 1 >= argc) return std::string(name) + " needs a value";
      value = argv[++i];
    }
    if (Problem p = apply(a, name, value); !p.empty()) return p;
  }
  if (!a.help && a.chips == 0) return "the simulation's options need --sim N";
  for (const GpioDrive& d : a.gpio)
    if (d.chip > a.chips) return "--gpio: there is no chip " + std::to_string(d.chip) + " of " + std::to_string(a.chips);
  for (const FirmwareChoice& f : a.firmwares)
    if (f.last > a.chips) return "--firmware: there is no chip " + std::to_string(f.last) + " of " + std::to_string(a.chips);
  return {};
}

// Chip i's STA MAC, 02:00:00:00:HH:LL with HHLL = i + 1; its soft-AP's in a
// block of its own, 02:00:00:01:HH:LL: ESP-IDF's rule (the STA MAC + 1)
// would give chip i chip i+1's STA MAC, where a real chip owns a block.
MacAddress chip_mac(int i, std::uint8_t block = 0) {
  const unsigned n = static_cast<unsigned>(i) + 1;
  return MacAddress{{0x02, 0, 0, block, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n & 0xFF)}};
}

int run(const SimArguments& a, const char* name, AppMain app_main, FirmwareCopies& module) {
  // ESPNOW_VERSION=2: chips built on ESP-IDF >= 5.4, as for the default chip.
  const Result<int> version = protocol_version_from_environment();
  if (!version.ok()) {
    std::fprintf(stderr, "%s: ESPNOW_VERSION: %s\n", name, std::string(version.detail()).c_str());
    return 2;
  }
  const auto wall_start = std::chrono::steady_clock::now();
  prefix_output_by_chip();
  // Each --firmware module's copies, before the simulation whose chips run
  // them. This program's own module named again is this program's: two
  // sets of copies of one file would share its first copy's globals.
  std::vector<std::unique_ptr<FirmwareCopies>> owned;
  std::map<std::string, FirmwareCopies*> copies_of;
  for (const FirmwareChoice& f : a.firmwares) {
    if (copies_of.count(f.module)) continue;
    if (same_file(f.module, module.path())) {
      copies_of[f.module] = &module;
      continue;
    }
    owned.push_back(std::make_unique<FirmwareCopies>(f.module));
    copies_of[f.module] = owned.back().get();
  }
  std::unique_ptr<host::AirPcap> pcap;  // before the simulation: it outlives the air's sniffer
  Simulation sim({.seed = a.seed, .loss = a.loss});
  std::mt19937_64 crystals(a.seed ^ 0xD21F7);  // apart from the air's draws
  std::uniform_real_distribution<double> drift(-a.drift_ppm, a.drift_ppm);
  // Chips powered together still reach app_main milliseconds apart; started
  // in the same nanosecond, identical firmware sends in lockstep for ever,
  // and a radio that is sending hears nothing.
  std::mt19937_64 boots(a.seed ^ 0xB0075);
  std::uniform_real_distribution<double> boot_ms(0.0, a.boot_spread_ms);
  if (!a.pcap.empty()) {
    auto opened = host::AirPcap::open(a.pcap);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s: --pcap: %s\n", name, std::string(opened.detail()).c_str());
      return 2;
    }
    pcap = std::move(opened).value();
    sim.air().set_sniffer([&pcap](const AiredFrame& f) { pcap->write(f); });
  }
  for (const AccessPoint& router : a.routers) {
    if (Result<void> added = add_access_point(sim, router); !added.ok()) {
      std::fprintf(stderr, "%s: --router '%s': %s\n", name, router.ssid.c_str(), std::string(added.detail()).c_str());
      std::fprintf(stderr, kUsage, name);  // an argument's mistake, as parse()'s are
      return 2;
    }
  }
  // Chip i's firmware: the last --firmware naming it, else this program's.
  auto firmware_of = [&](int i) -> FirmwareCopies& {
    for (auto f = a.firmwares.rbegin(); f != a.firmwares.rend(); ++f)
      if (f->first <= i + 1 && i + 1 <= f->last) return *copies_of.at(f->module);
    return module;
  };
  std::vector<SimChipPower*> chips;
  for (int i = 0; i < a.chips; ++i) {
    SimChipPower::Board board{
        .options = {.radio = {.mac = chip_mac(i),
                              .ap_mac = chip_mac(i, 1),
                              .channel = a.channels[static_cast<std::size_t>(i) % a.channels.size()],
                              .position = {a.spacing * (i % 16), a.spacing * (i / 16)}},
                    .link = {.version = static_cast<std::uint8_t>(*version)}},
        .app_main = app_main,
        .drift_ppm = a.drift_ppm > 0 ? drift(crystals) : 0.0,
        .boot_delay =
            std::chrono::round<std::chrono::nanoseconds>(std::chrono::duration<double, std::milli>(boot_ms(boots)))};
    std::string error;
    FirmwareCopies& firmware = firmware_of(i);
    if (&firmware != &module) board.app_main = nullptr;  // another program's: always a module
    SimChipPower* chip = SimChipPower::power_on(sim, firmware, std::move(board), error);
    if (chip == nullptr) {
      std::fprintf(stderr, "%s: chip %d: %s\n", name, i, error.c_str());
      return 1;
    }
    chips.push_back(chip);
  }
  for (const GpioDrive& d : a.gpio)
    sim.at(std::chrono::round<std::chrono::nanoseconds>(std::chrono::duration<double>(d.at_s)),
           [chip = chips[static_cast<std::size_t>(d.chip - 1)], d] {
             if (!d.millivolts) chip->set_gpio_input(d.pad, d.level);
             if (!d.level) chip->set_analog_input(d.pad, d.millivolts);  // z lets both go
           });
  // The run lasts its S seconds even when every chip is off for good (a
  // deep sleep without a wake-up source): the routers and the --gpio drives
  // go on, and the summary says how long the run was.
  const auto end = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(a.seconds));
  std::function<void()> to_the_end = [&sim, end] { sim.clock().sleep_until(end); };
  (void)sim.clock().start_thread("run", to_the_end);
  sim.run_for(end);
  const double virtual_s = std::chrono::duration<double>(sim.now()).count();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  flush_chip_lines();
  std::fprintf(stderr, "%s: %d chip%s, seed %llu: %.3f virtual s in %.2f s of wall time\n", name, a.chips,
               a.chips == 1 ? "" : "s", static_cast<unsigned long long>(a.seed), virtual_s, wall_s);
  if (pcap) {
    sim.air().set_sniffer({});
    pcap->flush();
    std::fprintf(stderr, "%s: %llu frames written to %s\n", name, static_cast<unsigned long long>(pcap->frames()),
                 a.pcap.c_str());
  }
  return 0;
}

}  // namespace

const char* program_name(const char* argv0) {
  const char* slash = std::strrchr(argv0, '/');
  return slash ? slash + 1 : argv0;
}

std::optional<int> run_simulation_command(int argc, char** argv, AppMain app_main, FirmwareCopies& module) {
  if (argc <= 1) return std::nullopt;
  const char* name = program_name(argv[0]);
  SimArguments a;
  if (Problem p = parse(argc, argv, a); !p.empty()) {
    std::fprintf(stderr, "%s: %s\n", name, p.c_str());
    std::fprintf(stderr, kUsage, name);
    return 2;
  }
  if (a.help) {
    std::printf(kUsage, name);
    return 0;
  }
  return run(a, name, app_main, module);
}

}  // namespace espnow::emul
