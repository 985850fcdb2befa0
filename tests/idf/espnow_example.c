/* See espnow_example.h. As in ESP-IDF's example, the ESP-NOW callbacks run in
 * the Wi-Fi task and only post an event to the application's queue (a
 * mutex-and-condition queue here, a FreeRTOS queue on the chip); the
 * application task does the work. */
#include "espnow_example.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "esp_mac.h"
#include "esp_now.h"
#include "esp_wifi.h"

#define EXAMPLE_MAGIC 0x45535021u
#define QUEUE_LEN 16

enum { PKT_BROADCAST = 0, PKT_UNICAST = 1 };

typedef struct {
  uint32_t magic;
  uint8_t type;
  uint8_t knows_you; /* broadcast: the sender has registered a peer (the receiver) */
  uint16_t seq;
  uint16_t checksum; /* over the whole packet with this field zero */
  uint8_t payload[64];
} example_packet_t;

typedef enum { EVENT_SEND, EVENT_RECV } event_kind_t;

typedef struct {
  event_kind_t kind;
  uint8_t mac[ESP_NOW_ETH_ALEN];
  bool to_broadcast;
  esp_now_send_status_t status;
  example_packet_t packet;
  int len;
} example_event_t;

/* One device per thread, so the queue lives in thread storage: the
 * callbacks run on the chip's Wi-Fi task, which reaches it through this. */
typedef struct {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  example_event_t events[QUEUE_LEN];
  int head, count;
} event_queue_t;

static event_queue_t* s_queue_for_chip[8];
static uint8_t s_chip_mac[8][ESP_NOW_ETH_ALEN];
static pthread_mutex_t s_registry = PTHREAD_MUTEX_INITIALIZER;

static const uint8_t s_broadcast[ESP_NOW_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
/* The keys both devices are built with, as CONFIG_ESPNOW_PMK / _LMK are. */
static const uint8_t s_pmk[ESP_NOW_KEY_LEN] = {'p', 'm', 'k', '-', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '-', 'k', 'e', 'y', '!'};
static const uint8_t s_lmk[ESP_NOW_KEY_LEN] = {'l', 'm', 'k', '-', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '-', 'k', 'e', 'y', '!'};

/* The queue of the device whose Wi-Fi task calls us: found by its STA MAC. */
static event_queue_t* queue_of_this_chip(void) {
  uint8_t mac[ESP_NOW_ETH_ALEN];
  event_queue_t* q = NULL;
  if (esp_read_mac(mac, ESP_MAC_WIFI_STA) != ESP_OK) return NULL;
  pthread_mutex_lock(&s_registry);
  for (int i = 0; i < 8; ++i)
    if (s_queue_for_chip[i] && memcmp(s_chip_mac[i], mac, sizeof mac) == 0) q = s_queue_for_chip[i];
  pthread_mutex_unlock(&s_registry);
  return q;
}

static void register_queue(event_queue_t* q, bool add) {
  uint8_t mac[ESP_NOW_ETH_ALEN];
  esp_read_mac(mac, ESP_MAC_WIFI_STA);
  pthread_mutex_lock(&s_registry);
  for (int i = 0; i < 8; ++i) {
    if (add && !s_queue_for_chip[i]) {
      s_queue_for_chip[i] = q;
      memcpy(s_chip_mac[i], mac, sizeof mac);
      break;
    }
    if (!add && s_queue_for_chip[i] == q) s_queue_for_chip[i] = NULL;
  }
  pthread_mutex_unlock(&s_registry);
}

/* Never blocks: a full queue drops the event, as xQueueSend with no wait. */
static void post(const example_event_t* e) {
  event_queue_t* q = queue_of_this_chip();
  if (!q) return;
  pthread_mutex_lock(&q->mutex);
  if (q->count < QUEUE_LEN) {
    q->events[(q->head + q->count) % QUEUE_LEN] = *e;
    ++q->count;
    pthread_cond_signal(&q->cond);
  }
  pthread_mutex_unlock(&q->mutex);
}

static bool take(event_queue_t* q, example_event_t* out, int wait_ms) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += wait_ms / 1000;
  until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) until.tv_sec += 1, until.tv_nsec -= 1000000000L;
  pthread_mutex_lock(&q->mutex);
  while (q->count == 0)
    if (pthread_cond_timedwait(&q->cond, &q->mutex, &until) != 0) break;
  bool got = q->count > 0;
  if (got) {
    *out = q->events[q->head];
    q->head = (q->head + 1) % QUEUE_LEN;
    --q->count;
  }
  pthread_mutex_unlock(&q->mutex);
  return got;
}

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0)
static void example_send_cb(const esp_now_send_info_t* tx_info, esp_now_send_status_t status) {
  const uint8_t* mac_addr = tx_info->des_addr;
#else
static void example_send_cb(const uint8_t* mac_addr, esp_now_send_status_t status) {
#endif
  example_event_t e;
  memset(&e, 0, sizeof e);
  e.kind = EVENT_SEND;
  memcpy(e.mac, mac_addr, ESP_NOW_ETH_ALEN);
  e.to_broadcast = memcmp(mac_addr, s_broadcast, ESP_NOW_ETH_ALEN) == 0;
  e.status = status;
  post(&e);
}

static void example_recv_cb(const esp_now_recv_info_t* recv_info, const uint8_t* data, int len) {
  example_event_t e;
  if (len <= 0 || len > (int)sizeof e.packet) return;
  memset(&e, 0, sizeof e);
  e.kind = EVENT_RECV;
  memcpy(e.mac, recv_info->src_addr, ESP_NOW_ETH_ALEN);
  e.to_broadcast = memcmp(recv_info->des_addr, s_broadcast, ESP_NOW_ETH_ALEN) == 0;
  memcpy(&e.packet, data, (size_t)len);
  e.len = len;
  post(&e);
}

static uint16_t checksum(const example_packet_t* p) {
  example_packet_t copy = *p;
  const uint8_t* b = (const uint8_t*)&copy;
  uint16_t sum = 0;
  copy.checksum = 0;
  for (size_t i = 0; i < sizeof copy; ++i) sum = (uint16_t)((sum << 1 | sum >> 15) ^ b[i]);
  return sum;
}

static esp_err_t send_packet(const uint8_t* mac, uint8_t type, uint16_t seq, bool knows_you) {
  example_packet_t p;
  memset(&p, 0, sizeof p);
  p.magic = EXAMPLE_MAGIC;
  p.type = type;
  p.knows_you = knows_you;
  p.seq = seq;
  for (size_t i = 0; i < sizeof p.payload; ++i) p.payload[i] = (uint8_t)(seq + i);
  p.checksum = checksum(&p);
  /* The buffer is ours again as soon as esp_now_send returns. */
  return esp_now_send(mac, (const uint8_t*)&p, sizeof p);
}

static esp_err_t wifi_and_espnow_init(uint8_t channel, bool encrypt) {
  wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
  esp_err_t err = esp_wifi_init(&cfg);
  if (err == ESP_OK) err = esp_wifi_set_storage(WIFI_STORAGE_RAM);
  if (err == ESP_OK) err = esp_wifi_set_mode(WIFI_MODE_STA);
  if (err == ESP_OK) err = esp_wifi_start();
  if (err == ESP_OK) err = esp_wifi_set_channel(channel, WIFI_SECOND_CHAN_NONE);
  if (err == ESP_OK) err = esp_now_init();
  if (err == ESP_OK && encrypt) err = esp_now_set_pmk(s_pmk);
  if (err == ESP_OK) err = esp_now_register_send_cb(example_send_cb);
  if (err == ESP_OK) err = esp_now_register_recv_cb(example_recv_cb);
  if (err == ESP_OK) {
    esp_now_peer_info_t peer;
    memset(&peer, 0, sizeof peer);
    peer.channel = channel;
    peer.ifidx = WIFI_IF_STA;
    memcpy(peer.peer_addr, s_broadcast, ESP_NOW_ETH_ALEN);
    err = esp_now_add_peer(&peer);
  }
  return err;
}

typedef struct {
  const example_config_t* config;
  example_result_t* result;
  bool peer_known;
  bool peer_knows_us; /* so our (possibly encrypted) unicasts will be accepted */
  bool unicast_in_flight;
  int next_seq;
} example_state_t;

/* A first packet from a device, broadcast or unicast, makes it our peer. */
static esp_err_t discover(example_state_t* s, const uint8_t* mac) {
  if (s->peer_known) return ESP_OK;
  esp_now_peer_info_t peer;
  memset(&peer, 0, sizeof peer);
  peer.channel = s->config->channel;
  peer.ifidx = WIFI_IF_STA;
  memcpy(peer.peer_addr, mac, ESP_NOW_ETH_ALEN);
  if (s->config->encrypt) {
    memcpy(peer.lmk, s_lmk, ESP_NOW_KEY_LEN);
    peer.encrypt = true;
  }
  esp_err_t err = esp_now_is_peer_exist(mac) ? ESP_OK : esp_now_add_peer(&peer);
  if (err == ESP_OK) {
    memcpy(s->result->peer_mac, mac, ESP_NOW_ETH_ALEN);
    s->peer_known = true;
  }
  return err;
}

static esp_err_t handle(example_state_t* s, const example_event_t* e) {
  if (e->kind == EVENT_SEND) {
    if (e->to_broadcast) return ESP_OK;
    s->unicast_in_flight = false;
    if (e->status == ESP_NOW_SEND_SUCCESS) ++s->result->unicast_sent_ok;
    else ++s->result->unicast_send_failed;
    return ESP_OK;
  }
  if (e->len != (int)sizeof(example_packet_t) || e->packet.magic != EXAMPLE_MAGIC) return ESP_OK;
  esp_err_t err = discover(s, e->mac);
  if (err != ESP_OK) return err;
  if (e->packet.type == PKT_BROADCAST) {
    s->peer_knows_us = s->peer_knows_us || e->packet.knows_you;
    return ESP_OK;
  }
  if (e->to_broadcast) return ESP_OK;
  s->peer_knows_us = true;
  if (checksum(&e->packet) != e->packet.checksum || e->packet.seq != s->result->unicast_received) {
    ++s->result->bad_packets;
    return ESP_OK;
  }
  ++s->result->unicast_received;
  return ESP_OK;
}

static bool finished(const example_state_t* s) {
  return s->result->unicast_sent_ok >= s->config->unicast_count &&
         s->result->unicast_received >= s->config->unicast_count;
}

/* Broadcast (saying whether we know a peer) until the peer's first unicast
 * arrives. Unicast only once the peer says it knows us: a receiver drops an
 * encrypted unicast from a sender it has not registered, yet its radio still
 * acknowledges it. One unicast at a time, the next after the send callback
 * of the last. */
static esp_err_t transmit_next(example_state_t* s) {
  if (s->result->unicast_received == 0) {
    ++s->result->broadcasts_sent;
    esp_err_t err = send_packet(s_broadcast, PKT_BROADCAST, 0, s->peer_known);
    if (err != ESP_OK || !s->peer_known || !s->peer_knows_us) return err;
  }
  if (s->unicast_in_flight || s->next_seq >= s->config->unicast_count) return ESP_OK;
  esp_err_t err = send_packet(s->result->peer_mac, PKT_UNICAST, (uint16_t)s->next_seq, true);
  if (err == ESP_OK) s->unicast_in_flight = true, ++s->next_seq;
  return err;
}

int example_espnow_run(const example_config_t* config, example_result_t* result) {
  event_queue_t queue;
  example_state_t s = {config, result, false, false, false, 0};
  memset(result, 0, sizeof *result);
  memset(&queue, 0, sizeof queue);
  pthread_mutex_init(&queue.mutex, NULL);
  pthread_cond_init(&queue.cond, NULL);
  register_queue(&queue, true);

  esp_err_t err = wifi_and_espnow_init(config->channel, config->encrypt != 0);
  for (int waited = 0; err == ESP_OK && !finished(&s) && waited < config->timeout_ms; waited += 10) {
    err = transmit_next(&s);
    example_event_t e;
    while (err == ESP_OK && take(&queue, &e, 10)) err = handle(&s, &e);
  }
  result->error = err;

  esp_now_deinit(); /* no callback runs after this returns */
  esp_wifi_stop();
  esp_wifi_deinit();
  register_queue(&queue, false);
  pthread_cond_destroy(&queue.cond);
  pthread_mutex_destroy(&queue.mutex);
  return err == ESP_OK && finished(&s) ? 0 : -1;
}
