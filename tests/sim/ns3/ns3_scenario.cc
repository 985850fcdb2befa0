// The reference run of an `espnow sim` scenario in ns-3 3.37 (issue 17,
// part 8; docs/simulation.md, "Checked against ns-3"): Yans PHY with the
// Yans error-rate model, 802.11b at 1 Mbps with the long preamble for data
// and ACKs, an ad-hoc non-QoS MAC, log-distance loss (40 dB at 1 m), 20 dBm,
// RxSensitivity -97 dBm with the preamble-detection model off, 6 attempts
// (MaxSsrc), a 16-frame queue whose frames do not expire. An ns-3 data frame
// carrying 7 more bytes than the ESP-NOW message (LLC/SNAP 8 + header 24 +
// FCS 4 = 36 = ESP-NOW's 43 - 7) has the ESP-NOW frame's length on the air.
//
//   ns3_scenario SCENARIO.json  -> one JSON object on stdout:
//   {"flows": [{"from", "to", "offered", "received": {mac: n}}],
//    "nodes": [{"mac", "transmissions", "receptions", "acked", "failed", "queue_drops"}],
//    "sim_seconds", "wall_seconds"}
//
// Only what the comparison uses: one rate (the first flow's: DSSS/CCK runs
// 802.11b, OFDM 802.11g), periodic/poisson/saturated arrivals. With
// NS3_SCENARIO_TIMING set it prints the slot, SIFS, ACK time and CWmin ns-3
// runs with to stderr.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ns3/core-module.h"
#include "ns3/mobility-module.h"
#include "ns3/network-module.h"
#include "ns3/wifi-module.h"

using namespace ns3;
using nlohmann::json;

namespace {

constexpr std::uint16_t kEtherType = 0x88B5;  // local experimental

struct Flow {
  std::uint32_t from = 0;
  Mac48Address to;
  std::string from_text, to_text;
  std::uint32_t bytes = 250;
  double interval_s = 0.1;
  std::string arrival = "periodic";
  std::uint64_t offered = 0;
  std::map<std::uint32_t, std::uint64_t> received;  // node index -> count
};

struct Node_ {
  std::string mac_text;
  Ptr<WifiNetDevice> dev;
  std::uint64_t transmissions = 0, receptions = 0;
  std::uint64_t acked = 0, failed = 0, queue_drops = 0;  // per MPDU: ACKed, dropped at the retry limit, refused
};

std::vector<Flow> g_flows;
std::vector<Node_> g_nodes;
Ptr<ExponentialRandomVariable> g_exp;
Ptr<UniformRandomVariable> g_uni;

void Offer(std::uint32_t k) {
  Flow& f = g_flows[k];
  std::vector<std::uint8_t> payload(f.bytes + 7, 0);
  std::memcpy(payload.data(), &k, 4);
  const auto n = static_cast<std::uint32_t>(f.offered);
  std::memcpy(payload.data() + 4, &n, 4);
  ++f.offered;
  g_nodes[f.from].dev->Send(Create<Packet>(payload.data(), payload.size()), f.to, kEtherType);
}

void Periodic(std::uint32_t k) {
  Offer(k);
  Simulator::Schedule(Seconds(g_flows[k].interval_s), &Periodic, k);
}

void Poisson(std::uint32_t k) {
  Offer(k);
  Simulator::Schedule(Seconds(g_exp->GetValue(g_flows[k].interval_s, 0)), &Poisson, k);
}

bool Receive(std::uint32_t node, Ptr<NetDevice>, Ptr<const Packet> p, uint16_t, const Address&) {
  std::uint8_t head[8];
  if (p->GetSize() < 8) return true;
  p->CopyData(head, 8);
  std::uint32_t k;
  std::memcpy(&k, head, 4);
  ++g_nodes[node].receptions;
  if (k < g_flows.size()) ++g_flows[k].received[node];
  return true;
}

void TxBegin(std::uint32_t node, Ptr<const Packet> p, double) {
  if (p->GetSize() > 14) ++g_nodes[node].transmissions;  // data, not ACKs
}

// A saturated sender refills its queue as frames leave it.
void Refill(std::uint32_t node) {
  for (std::uint32_t k = 0; k < g_flows.size(); ++k)
    if (g_flows[k].from == node && g_flows[k].arrival == "saturated") Offer(k);
}

void Acked(std::uint32_t node, Ptr<const WifiMpdu>) {
  ++g_nodes[node].acked;
  Refill(node);
}

void Dropped(std::uint32_t node, WifiMacDropReason reason, Ptr<const WifiMpdu>) {
  if (reason == WIFI_MAC_DROP_FAILED_ENQUEUE) {
    ++g_nodes[node].queue_drops;
    return;
  }
  if (reason == WIFI_MAC_DROP_REACHED_RETRY_LIMIT) ++g_nodes[node].failed;
  Refill(node);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ns3_scenario SCENARIO.json\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  const json s = json::parse(in);
  const auto t0 = std::chrono::steady_clock::now();

  RngSeedManager::SetSeed(1);
  RngSeedManager::SetRun(s.value("seed", 1));
  Config::SetDefault("ns3::WifiMacQueue::MaxSize", QueueSizeValue(QueueSize("16p")));
  Config::SetDefault("ns3::WifiMacQueue::MaxDelay", TimeValue(Seconds(1e6)));

  const double exponent = s.contains("air") ? s["air"].value("path_loss_exponent", 3.0) : 3.0;
  const double reference = s.contains("air") ? s["air"].value("reference_loss_db", 40.0) : 40.0;

  NodeContainer nodes;
  nodes.Create(s["nodes"].size());
  MobilityHelper mobility;
  Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
  for (const auto& n : s["nodes"]) {
    const auto pos = n.value("pos", std::vector<double>{0, 0});
    positions->Add(Vector(pos[0], pos[1], 0));
  }
  mobility.SetPositionAllocator(positions);
  mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
  mobility.Install(nodes);

  YansWifiChannelHelper channel;
  channel.SetPropagationDelay("ns3::ConstantSpeedPropagationDelayModel");
  channel.AddPropagationLoss("ns3::LogDistancePropagationLossModel", "Exponent", DoubleValue(exponent),
                             "ReferenceDistance", DoubleValue(1.0), "ReferenceLoss", DoubleValue(reference));
  YansWifiPhyHelper phy;
  phy.SetChannel(channel.Create());
  phy.SetErrorRateModel("ns3::YansErrorRateModel");
  phy.Set("TxPowerStart", DoubleValue(20.0));
  phy.Set("TxPowerEnd", DoubleValue(20.0));
  phy.Set("RxSensitivity", DoubleValue(-97.0));
  phy.DisablePreambleDetectionModel();

  // One rate for every data frame: the first flow's (1M by default). A
  // DSSS/CCK rate runs 802.11b; an OFDM one 802.11g (ERP-OFDM, its 6 µs
  // signal extension, ACKs at 6 Mbps).
  const std::map<std::string, std::string> kModes{
      {"1M", "DsssRate1Mbps"},       {"2M", "DsssRate2Mbps"},       {"5.5M", "DsssRate5_5Mbps"},
      {"11M", "DsssRate11Mbps"},     {"6M", "ErpOfdmRate6Mbps"},    {"9M", "ErpOfdmRate9Mbps"},
      {"12M", "ErpOfdmRate12Mbps"},  {"18M", "ErpOfdmRate18Mbps"},  {"24M", "ErpOfdmRate24Mbps"},
      {"36M", "ErpOfdmRate36Mbps"},  {"48M", "ErpOfdmRate48Mbps"},  {"54M", "ErpOfdmRate54Mbps"}};
  std::string data_mode = "DsssRate1Mbps";
  if (s.contains("traffic") && !s["traffic"].empty())
    data_mode = kModes.at(s["traffic"][0].value("rate", std::string("1M")));
  const bool erp = data_mode.rfind("ErpOfdm", 0) == 0;

  WifiHelper wifi;
  wifi.SetStandard(erp ? WIFI_STANDARD_80211g : WIFI_STANDARD_80211b);
  wifi.SetRemoteStationManager("ns3::ConstantRateWifiManager", "DataMode", StringValue(data_mode), "ControlMode",
                               StringValue(erp ? "ErpOfdmRate6Mbps" : "DsssRate1Mbps"), "MaxSsrc", UintegerValue(6));
  WifiMacHelper mac;
  mac.SetType("ns3::AdhocWifiMac", "QosSupported", BooleanValue(false));
  NetDeviceContainer devices = wifi.Install(phy, mac, nodes);

  std::map<Mac48Address, std::uint32_t> by_mac;
  for (std::uint32_t i = 0; i < devices.GetN(); ++i) {
    Node_ n;
    n.mac_text = s["nodes"][i]["mac"].get<std::string>();
    n.dev = DynamicCast<WifiNetDevice>(devices.Get(i));
    const Mac48Address addr(n.mac_text.c_str());
    n.dev->SetAddress(addr);
    // The frame exchange manager keeps its own copy of the address, taken at
    // install time; without this it ignores unicasts to the new one.
    n.dev->GetMac()->GetFrameExchangeManager()->SetAddress(addr);
    by_mac[addr] = i;
    n.dev->SetReceiveCallback(MakeBoundCallback(&Receive, i));
    n.dev->GetPhy()->TraceConnectWithoutContext("PhyTxBegin", MakeBoundCallback(&TxBegin, i));
    n.dev->GetMac()->TraceConnectWithoutContext("AckedMpdu", MakeBoundCallback(&Acked, i));
    n.dev->GetMac()->TraceConnectWithoutContext("DroppedMpdu", MakeBoundCallback(&Dropped, i));
    // 802.11g's own CWmin is 15; an ESP32 mixes ERP with 11b and keeps 31.
    if (erp) n.dev->GetMac()->GetTxop()->SetMinCw(31);
    g_nodes.push_back(n);
  }
  if (std::getenv("NS3_SCENARIO_TIMING"))  // what ns-3 runs with, once it has started
    Simulator::Schedule(Seconds(0.5), [] {
      const Ptr<WifiNetDevice> d = g_nodes[0].dev;
      std::cerr << "slot " << d->GetPhy()->GetSlot().GetMicroSeconds() << " sifs "
                << d->GetPhy()->GetSifs().GetMicroSeconds() << " ack " << d->GetPhy()->GetAckTxTime().GetMicroSeconds()
                << " cwmin " << d->GetMac()->GetTxop()->GetMinCw() << "\n";
    });

  g_exp = CreateObject<ExponentialRandomVariable>();
  g_uni = CreateObject<UniformRandomVariable>();
  for (const auto& t : s.value("traffic", json::array())) {
    Flow f;
    f.from_text = t["from"].get<std::string>();
    f.to_text = t["to"].get<std::string>();
    f.from = by_mac.at(Mac48Address(f.from_text.c_str()));
    f.to = Mac48Address(f.to_text.c_str());
    f.bytes = t.value("bytes", 250u);
    f.interval_s = t.value("interval_ms", 100.0) / 1000.0;
    f.arrival = t.value("arrival", std::string("periodic"));
    g_flows.push_back(f);
  }
  for (std::uint32_t k = 0; k < g_flows.size(); ++k) {
    const Flow& f = g_flows[k];
    if (f.arrival == "saturated") {
      Simulator::Schedule(Seconds(0), [k] { for (int i = 0; i < 16; ++i) Offer(k); });
    } else if (f.arrival == "poisson") {
      Simulator::Schedule(Seconds(g_exp->GetValue(f.interval_s, 0)), &Poisson, k);
    } else {
      Simulator::Schedule(Seconds(g_uni->GetValue(0, f.interval_s)), &Periodic, k);
    }
  }
  const double duration = s.value("duration_s", 10.0);
  Simulator::Stop(Seconds(duration));
  Simulator::Run();

  json out;
  out["flows"] = json::array();
  for (const Flow& f : g_flows) {
    json received = json::object();
    for (const auto& [node, n] : f.received) received[g_nodes[node].mac_text] = n;
    out["flows"].push_back({{"from", f.from_text}, {"to", f.to_text}, {"offered", f.offered}, {"received", received}});
  }
  out["nodes"] = json::array();
  for (const Node_& n : g_nodes)
    out["nodes"].push_back({{"mac", n.mac_text}, {"transmissions", n.transmissions}, {"receptions", n.receptions},
                            {"acked", n.acked}, {"failed", n.failed}, {"queue_drops", n.queue_drops}});
  out["sim_seconds"] = duration;
  out["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Simulator::Destroy();
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
