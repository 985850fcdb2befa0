#include "espnow/host/nl80211.hpp"
#include "espnow/host/host_errors.hpp"

#include <linux/nl80211.h>
#include <net/if.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include <memory>

#include "espnow/wire/phy.hpp"

namespace espnow::host {
namespace {

struct SocketDeleter {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct MessageDeleter {
  void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using Socket = std::unique_ptr<nl_sock, SocketDeleter>;
using Message = std::unique_ptr<nl_msg, MessageDeleter>;

// A generic-netlink socket bound to nl80211, and the family id.
struct Nl80211 {
  Socket socket;
  int family = -1;
  std::string error;
};

Nl80211 connect() {
  Nl80211 n;
  n.socket.reset(nl_socket_alloc());
  if (!n.socket || genl_connect(n.socket.get()) != 0) n.error = "cannot open a netlink socket";
  else if ((n.family = genl_ctrl_resolve(n.socket.get(), "nl80211")) < 0)
    n.error = "nl80211 is not available (no Wi-Fi driver is loaded in this kernel)";
  return n;
}

Message command(const Nl80211& n, std::uint8_t cmd, unsigned ifindex) {
  Message m(nlmsg_alloc());
  genlmsg_put(m.get(), NL_AUTO_PORT, NL_AUTO_SEQ, n.family, 0, 0, cmd, 0);
  nla_put_u32(m.get(), NL80211_ATTR_IFINDEX, ifindex);
  return m;
}

// Attributes of a reply, indexed by attribute id.
using Attributes = nlattr* [NL80211_ATTR_MAX + 1];

void parse(nl_msg* msg, Attributes& tb) {
  auto* gnlh = static_cast<genlmsghdr*>(nlmsg_data(nlmsg_hdr(msg)));
  nla_parse(tb, NL80211_ATTR_MAX, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), nullptr);
}

int on_interface(nl_msg* msg, void* arg) {
  auto& w = *static_cast<WifiInterface*>(arg);
  Attributes tb{};
  parse(msg, tb);
  if (tb[NL80211_ATTR_IFTYPE]) w.monitor = nla_get_u32(tb[NL80211_ATTR_IFTYPE]) == NL80211_IFTYPE_MONITOR;
  if (tb[NL80211_ATTR_MAC] && nla_len(tb[NL80211_ATTR_MAC]) == 6)
    w.mac = MacAddress::read(static_cast<const std::uint8_t*>(nla_data(tb[NL80211_ATTR_MAC])));
  if (tb[NL80211_ATTR_WIPHY_FREQ]) w.frequency_mhz = nla_get_u32(tb[NL80211_ATTR_WIPHY_FREQ]);
  return NL_OK;
}

int on_wiphy(nl_msg* msg, void* arg) {
  auto& w = *static_cast<WifiInterface*>(arg);
  Attributes tb{};
  parse(msg, tb);
  if (tb[NL80211_ATTR_FEATURE_FLAGS])
    w.active_monitor_supported = (nla_get_u32(tb[NL80211_ATTR_FEATURE_FLAGS]) & NL80211_FEATURE_ACTIVE_MONITOR) != 0;
  return NL_OK;
}

// Sends `m` and runs `handler` on the reply; 0 or a negative libnl error.
int request(const Nl80211& n, Message m, nl_recvmsg_msg_cb_t handler, void* arg) {
  nl_socket_modify_cb(n.socket.get(), NL_CB_VALID, NL_CB_CUSTOM, handler, arg);
  if (const int rc = nl_send_auto(n.socket.get(), m.get()); rc < 0) return rc;
  return nl_recvmsgs_default(n.socket.get());
}

}  // namespace

Result<WifiInterface> query_wifi_interface(const std::string& name) {
  WifiInterface w;
  const unsigned ifindex = if_nametoindex(name.c_str());
  if (ifindex == 0) return Error(host_errc::no_interface, "no interface '" + name + "'");
  const Nl80211 n = connect();
  if (!n.error.empty()) return Error(host_errc::nl80211, n.error);
  if (const int rc = request(n, command(n, NL80211_CMD_GET_INTERFACE, ifindex), on_interface, &w); rc < 0)
    return Error(host_errc::not_wireless, "'" + name + "' is not a Wi-Fi interface (nl80211: " + nl_geterror(rc) + ")");
  Message wiphy = command(n, NL80211_CMD_GET_WIPHY, ifindex);
  (void)request(n, std::move(wiphy), on_wiphy, &w);  // feature flags only: a failure leaves "unsupported"
  return w;
}

Result<void> set_wifi_channel(const std::string& name, std::uint8_t channel) {
  if (!is_valid_channel(channel)) return Error(errc::arg, "channel " + std::to_string(channel) + " is not 1..14");
  const unsigned ifindex = if_nametoindex(name.c_str());
  if (ifindex == 0) return Error(host_errc::no_interface, "no interface '" + name + "'");
  const Nl80211 n = connect();
  if (!n.error.empty()) return Error(host_errc::nl80211, n.error);
  Message m = command(n, NL80211_CMD_SET_WIPHY, ifindex);
  nla_put_u32(m.get(), NL80211_ATTR_WIPHY_FREQ, channel_to_mhz(channel));
  nla_put_u32(m.get(), NL80211_ATTR_WIPHY_CHANNEL_TYPE, NL80211_CHAN_NO_HT);
  if (const int rc = nl_send_sync(n.socket.get(), m.release()); rc < 0) return Error(host_errc::nl80211, nl_geterror(rc));
  return {};
}

}  // namespace espnow::host
