// nvs_flash_* and nvs_* on the selected chip's partition. Handles are
// numbered process-wide as ESP-IDF numbers them; each remembers its
// partition, so a handle keeps acting on its own chip whichever thread uses
// it. One lock serialises every call, as ESP-IDF's NVS lock does.
#include "nvs.h"

#include <cstring>
#include <map>
#include <mutex>
#include <type_traits>

#include "chip_services.hpp"
#include "nvs_flash.h"
#include "nvs_partition.hpp"

using espnow::emul::detail::NvsEntry;
using espnow::emul::detail::NvsPartition;
using espnow::emul::detail::services;

namespace {

constexpr std::size_t kMaxName = NVS_KEY_NAME_MAX_SIZE - 1;  // 15 characters
constexpr std::size_t kMaxString = 4000;                      // with the NUL
constexpr std::size_t kMaxBlob = 508000;
constexpr std::size_t kMaxNamespaces = 254;

struct Handle {
  NvsPartition* partition;
  std::string ns;
  bool read_only;
};

std::mutex g_mutex;  // every partition and the table below
std::map<nvs_handle_t, Handle> g_handles;
nvs_handle_t g_next_handle = 0;

bool is_default(const char* label) { return label && std::strcmp(label, NVS_DEFAULT_PART_NAME) == 0; }

void close_handles_of(const NvsPartition* p) {
  std::erase_if(g_handles, [p](const auto& kv) { return kv.second.partition == p; });
}

Handle* find(nvs_handle_t h) {
  auto it = g_handles.find(h);
  return it == g_handles.end() ? nullptr : &it->second;
}

// A key's checks before a write: ESP-IDF's handle checks, then the name's.
esp_err_t writable(Handle* h, const char* key) {
  if (!h) return ESP_ERR_NVS_INVALID_HANDLE;
  if (h->read_only) return ESP_ERR_NVS_READ_ONLY;
  if (!key || !*key) return ESP_ERR_NVS_INVALID_NAME;
  if (std::strlen(key) > kMaxName) return ESP_ERR_NVS_KEY_TOO_LONG;
  return ESP_OK;
}

esp_err_t write(nvs_handle_t handle, const char* key, nvs_type_t type, const void* data, std::size_t n) {
  std::lock_guard lk(g_mutex);
  Handle* h = find(handle);
  if (esp_err_t err = writable(h, key)) return err;
  NvsEntry& e = h->partition->namespaces[h->ns][key];  // another type is replaced, as ESP-IDF does
  e.type = type;
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  e.bytes.assign(bytes, bytes + n);
  return h->partition->save() ? ESP_OK : ESP_FAIL;
}

// The entry `key` of the handle's namespace, of type `type`.
esp_err_t lookup(nvs_handle_t handle, const char* key, nvs_type_t type, const NvsEntry** out) {
  Handle* h = find(handle);
  if (!h) return ESP_ERR_NVS_INVALID_HANDLE;
  if (!key || !*key) return ESP_ERR_NVS_INVALID_NAME;
  const auto& ns = h->partition->namespaces[h->ns];
  auto it = ns.find(key);  // a key over 15 characters is never stored: not found
  if (it == ns.end()) return ESP_ERR_NVS_NOT_FOUND;
  if (it->second.type != type) return ESP_ERR_NVS_TYPE_MISMATCH;
  *out = &it->second;
  return ESP_OK;
}

template <class T>
esp_err_t set_int(nvs_handle_t handle, const char* key, nvs_type_t type, T value) {
  return write(handle, key, type, &value, sizeof value);
}

template <class T>
esp_err_t get_int(nvs_handle_t handle, const char* key, nvs_type_t type, T* out) {
  std::lock_guard lk(g_mutex);
  const NvsEntry* e = nullptr;
  if (esp_err_t err = lookup(handle, key, type, &e)) return err;
  if (!out) return ESP_ERR_INVALID_ARG;
  std::memcpy(out, e->bytes.data(), sizeof(T));
  return ESP_OK;
}

// ESP-IDF's order: the entry, then the length, then the buffer.
esp_err_t get_bytes(nvs_handle_t handle, const char* key, nvs_type_t type, void* out, std::size_t* length) {
  std::lock_guard lk(g_mutex);
  const NvsEntry* e = nullptr;
  if (esp_err_t err = lookup(handle, key, type, &e)) return err;
  if (!length) return ESP_ERR_NVS_INVALID_LENGTH;
  const std::size_t needed = e->bytes.size();
  if (!out) {
    *length = needed;
    return ESP_OK;
  }
  if (*length < needed) {
    *length = needed;
    return ESP_ERR_NVS_INVALID_LENGTH;
  }
  *length = needed;
  if (needed) std::memcpy(out, e->bytes.data(), needed);
  return ESP_OK;
}

}  // namespace

namespace espnow::emul::detail {
NvsPartition::~NvsPartition() {
  std::lock_guard lk(g_mutex);
  close_handles_of(this);
}
}  // namespace espnow::emul::detail

extern "C" {

esp_err_t nvs_flash_init_partition(const char* label) {
  if (!is_default(label)) return ESP_ERR_NOT_FOUND;
  NvsPartition& p = services().nvs();
  std::lock_guard lk(g_mutex);
  p.initialized = true;
  return ESP_OK;
}
esp_err_t nvs_flash_init(void) { return nvs_flash_init_partition(NVS_DEFAULT_PART_NAME); }

esp_err_t nvs_flash_deinit_partition(const char* label) {
  if (!is_default(label)) return ESP_ERR_NVS_NOT_INITIALIZED;
  NvsPartition& p = services().nvs();
  std::lock_guard lk(g_mutex);
  if (!p.initialized) return ESP_ERR_NVS_NOT_INITIALIZED;
  close_handles_of(&p);
  p.initialized = false;
  return ESP_OK;
}
esp_err_t nvs_flash_deinit(void) { return nvs_flash_deinit_partition(NVS_DEFAULT_PART_NAME); }

esp_err_t nvs_flash_erase_partition(const char* label) {
  if (!is_default(label)) return ESP_ERR_NOT_FOUND;
  NvsPartition& p = services().nvs();
  std::lock_guard lk(g_mutex);
  close_handles_of(&p);
  p.initialized = false;
  p.erase();
  return ESP_OK;
}
esp_err_t nvs_flash_erase(void) { return nvs_flash_erase_partition(NVS_DEFAULT_PART_NAME); }

esp_err_t nvs_open_from_partition(const char* label, const char* name, nvs_open_mode_t mode, nvs_handle_t* out) {
  if (!is_default(label)) return ESP_ERR_NVS_NOT_INITIALIZED;  // ESP-IDF: no such partition was initialised
  NvsPartition& p = services().nvs();
  std::lock_guard lk(g_mutex);
  if (!p.initialized) return ESP_ERR_NVS_NOT_INITIALIZED;
  if (!name || !*name || std::strlen(name) > kMaxName) return ESP_ERR_NVS_INVALID_NAME;
  if (!out) return ESP_ERR_INVALID_ARG;
  const bool exists = p.namespaces.count(name) != 0;
  if (!exists && mode == NVS_READONLY) return ESP_ERR_NVS_NOT_FOUND;
  if (!exists && p.namespaces.size() >= kMaxNamespaces) return ESP_ERR_NVS_NOT_ENOUGH_SPACE;
  if (!exists) {
    p.namespaces[name];  // a chip writes the namespace at its first read-write open
    if (!p.save()) return ESP_FAIL;
  }
  *out = ++g_next_handle;
  g_handles[*out] = Handle{&p, name, mode == NVS_READONLY};
  return ESP_OK;
}
esp_err_t nvs_open(const char* name, nvs_open_mode_t mode, nvs_handle_t* out) {
  return nvs_open_from_partition(NVS_DEFAULT_PART_NAME, name, mode, out);
}

void nvs_close(nvs_handle_t handle) {
  std::lock_guard lk(g_mutex);
  g_handles.erase(handle);
}

esp_err_t nvs_commit(nvs_handle_t handle) {
  std::lock_guard lk(g_mutex);
  return find(handle) ? ESP_OK : ESP_ERR_NVS_INVALID_HANDLE;  // every write already reached the flash
}

esp_err_t nvs_erase_key(nvs_handle_t handle, const char* key) {
  std::lock_guard lk(g_mutex);
  Handle* h = find(handle);
  if (esp_err_t err = writable(h, key)) return err == ESP_ERR_NVS_KEY_TOO_LONG ? ESP_ERR_NVS_NOT_FOUND : err;
  if (h->partition->namespaces[h->ns].erase(key) == 0) return ESP_ERR_NVS_NOT_FOUND;
  return h->partition->save() ? ESP_OK : ESP_FAIL;
}

esp_err_t nvs_erase_all(nvs_handle_t handle) {
  std::lock_guard lk(g_mutex);
  Handle* h = find(handle);
  if (!h) return ESP_ERR_NVS_INVALID_HANDLE;
  if (h->read_only) return ESP_ERR_NVS_READ_ONLY;
  h->partition->namespaces[h->ns].clear();
  return h->partition->save() ? ESP_OK : ESP_FAIL;
}

esp_err_t nvs_set_i8(nvs_handle_t h, const char* k, int8_t v) { return set_int(h, k, NVS_TYPE_I8, v); }
esp_err_t nvs_set_u8(nvs_handle_t h, const char* k, uint8_t v) { return set_int(h, k, NVS_TYPE_U8, v); }
esp_err_t nvs_set_i16(nvs_handle_t h, const char* k, int16_t v) { return set_int(h, k, NVS_TYPE_I16, v); }
esp_err_t nvs_set_u16(nvs_handle_t h, const char* k, uint16_t v) { return set_int(h, k, NVS_TYPE_U16, v); }
esp_err_t nvs_set_i32(nvs_handle_t h, const char* k, int32_t v) { return set_int(h, k, NVS_TYPE_I32, v); }
esp_err_t nvs_set_u32(nvs_handle_t h, const char* k, uint32_t v) { return set_int(h, k, NVS_TYPE_U32, v); }
esp_err_t nvs_set_i64(nvs_handle_t h, const char* k, int64_t v) { return set_int(h, k, NVS_TYPE_I64, v); }
esp_err_t nvs_set_u64(nvs_handle_t h, const char* k, uint64_t v) { return set_int(h, k, NVS_TYPE_U64, v); }

esp_err_t nvs_get_i8(nvs_handle_t h, const char* k, int8_t* v) { return get_int(h, k, NVS_TYPE_I8, v); }
esp_err_t nvs_get_u8(nvs_handle_t h, const char* k, uint8_t* v) { return get_int(h, k, NVS_TYPE_U8, v); }
esp_err_t nvs_get_i16(nvs_handle_t h, const char* k, int16_t* v) { return get_int(h, k, NVS_TYPE_I16, v); }
esp_err_t nvs_get_u16(nvs_handle_t h, const char* k, uint16_t* v) { return get_int(h, k, NVS_TYPE_U16, v); }
esp_err_t nvs_get_i32(nvs_handle_t h, const char* k, int32_t* v) { return get_int(h, k, NVS_TYPE_I32, v); }
esp_err_t nvs_get_u32(nvs_handle_t h, const char* k, uint32_t* v) { return get_int(h, k, NVS_TYPE_U32, v); }
esp_err_t nvs_get_i64(nvs_handle_t h, const char* k, int64_t* v) { return get_int(h, k, NVS_TYPE_I64, v); }
esp_err_t nvs_get_u64(nvs_handle_t h, const char* k, uint64_t* v) { return get_int(h, k, NVS_TYPE_U64, v); }

esp_err_t nvs_set_str(nvs_handle_t handle, const char* key, const char* value) {
  if (!value) return ESP_ERR_INVALID_ARG;  // a chip would fault reading it
  const std::size_t n = std::strlen(value) + 1;
  if (n > kMaxString) {
    std::lock_guard lk(g_mutex);
    if (esp_err_t err = writable(find(handle), key)) return err;
    return ESP_ERR_NVS_VALUE_TOO_LONG;
  }
  return write(handle, key, NVS_TYPE_STR, value, n);
}

esp_err_t nvs_set_blob(nvs_handle_t handle, const char* key, const void* value, size_t length) {
  if (!value && length) return ESP_ERR_INVALID_ARG;
  if (length > kMaxBlob) {
    std::lock_guard lk(g_mutex);
    if (esp_err_t err = writable(find(handle), key)) return err;
    return ESP_ERR_NVS_VALUE_TOO_LONG;
  }
  return write(handle, key, NVS_TYPE_BLOB, value, length);
}

esp_err_t nvs_get_str(nvs_handle_t h, const char* k, char* out, size_t* length) {
  return get_bytes(h, k, NVS_TYPE_STR, out, length);
}
esp_err_t nvs_get_blob(nvs_handle_t h, const char* k, void* out, size_t* length) {
  return get_bytes(h, k, NVS_TYPE_BLOB, out, length);
}

}  // extern "C"
