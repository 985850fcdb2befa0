// The seeds' recv_till_halt: `async for mac, msg in e`, until b'halt'.
#include <cstdio>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include "espnow/async/aioespnow.hpp"
#include "espnow/devices/sim_devices.hpp"

using namespace espnow;
using namespace espnow::literals;

asio::awaitable<void> recv_till_halt(AIOESPNow& e) {
  for (;;) {  // async for mac, msg in e:
    auto [mac, msg] = co_await e.anext();
    std::printf("%s %.*s\n", mac->to_text().c_str(), int(msg.size()), reinterpret_cast<const char*>(msg.data()));
    if (std::string_view(reinterpret_cast<const char*>(msg.data()), msg.size()) == "halt") break;
  }
}

int main() {
  SimDevices air;
  SimDevice& sender = *air.add_device({.mac = "02:00:00:00:00:01"_mac}).value();
  SimDevice& receiver = *air.add_device({.mac = "02:00:00:00:00:02"_mac}).value();
  asio::io_context io;
  AIOESPNow e(receiver.espnow(), io.get_executor());
  (void)e->active(true);
  (void)sender.espnow().active(true);
  (void)sender.espnow().add_peer(receiver.mac());
  asio::co_spawn(io, recv_till_halt(e), asio::detached);  // asyncio.run(recv_till_halt(e))
  for (const char* m : {"hello", "world", "halt", "never seen"}) (void)sender.espnow().send(receiver.mac(), bytes(m));
  io.run();
  return 0;
}
