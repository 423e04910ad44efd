#include "adapters/redis/catalog_cache.h"

namespace ledger::redis {
namespace {

std::int64_t SteadyNow() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string TextOf(const RedisReply& reply, std::string_view fallback) {
  return reply.type == RedisReply::Type::kString ? reply.text : std::string(fallback);
}

}  // namespace

// A connection borrowed from the pool for one call, returned when healthy.
class CatalogCache::Borrowed {
 public:
  explicit Borrowed(CatalogCache& cache) : cache_(cache), connection_(cache.Take()) {}
  ~Borrowed() {
    if (connection_->healthy()) cache_.Give(std::move(connection_));
  }
  Borrowed(const Borrowed&) = delete;
  Borrowed& operator=(const Borrowed&) = delete;
  RedisConnection* operator->() { return connection_.get(); }

 private:
  CatalogCache& cache_;
  std::unique_ptr<RedisConnection> connection_;
};

CatalogCache::CatalogCache(RedisEndpoint endpoint, CatalogCacheOptions options)
    : endpoint_(std::move(endpoint)), options_(std::move(options)) {}

CatalogCache::~CatalogCache() = default;

std::unique_ptr<RedisConnection> CatalogCache::Take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<RedisConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  return std::make_unique<RedisConnection>(endpoint_, options_.connection);
}

void CatalogCache::Give(std::unique_ptr<RedisConnection> connection) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(connection));
}

Result<RedisReply> CatalogCache::Run(const std::vector<std::string>& args, bool during_outage) {
  if (!during_outage && SteadyNow() < down_until_.load()) {
    errors_.fetch_add(1);
    return Unavailable("redis: catalog cache paused after an error");
  }
  Result<RedisReply> reply = [&] {
    Borrowed connection(*this);
    return connection->Command(args);
  }();
  if (!reply.ok()) {
    errors_.fetch_add(1);
    down_until_.store(
        SteadyNow() +
        std::chrono::duration_cast<std::chrono::microseconds>(options_.outage_backoff).count());
    return reply.status();
  }
  down_until_.store(0);
  return reply;
}

std::string CatalogCache::GenerationKey(std::string_view tenant) const {
  return options_.key_prefix + ":gen:" + std::string(tenant);
}

Result<CatalogCache::Lookup> CatalogCache::Get(std::string_view tenant,
                                               std::string_view fingerprint) {
  LEDGER_ASSIGN_OR_RETURN(RedisReply generations,
                          Run({"MGET", options_.key_prefix + ":gen", GenerationKey(tenant)},
                              /*during_outage=*/false));
  if (!generations.is_array() || generations.elements.size() != 2) {
    errors_.fetch_add(1);
    return Internal("redis: unexpected reply to MGET of the catalog generations");
  }
  Lookup lookup;
  // A generation never bumped reads as 0.
  lookup.generation =
      TextOf(generations.elements[0], "0") + "." + TextOf(generations.elements[1], "0");
  LEDGER_ASSIGN_OR_RETURN(RedisReply entry,
                          Run({"GET", options_.key_prefix + ":entry:" + std::string(tenant) + ":" +
                                          lookup.generation + ":" + std::string(fingerprint)},
                              /*during_outage=*/false));
  if (entry.type == RedisReply::Type::kString) lookup.value = std::move(entry.text);
  return lookup;
}

Status CatalogCache::Fill(std::string_view tenant, std::string_view generation,
                          std::string_view fingerprint, std::string_view value) {
  return Run({"SET",
              options_.key_prefix + ":entry:" + std::string(tenant) + ":" +
                  std::string(generation) + ":" + std::string(fingerprint),
              std::string(value), "PX", std::to_string(options_.ttl.count())},
             /*during_outage=*/false)
      .status();
}

Status CatalogCache::BumpTenant(std::string_view tenant) {
  return Run({"INCR", GenerationKey(tenant)}, /*during_outage=*/true).status();
}

Status CatalogCache::BumpAll() {
  return Run({"INCR", options_.key_prefix + ":gen"}, /*during_outage=*/true).status();
}

CatalogCacheStats CatalogCache::Stats() const {
  return CatalogCacheStats{hits_.load(), misses_.load(), errors_.load(), bypassed_.load()};
}

void CatalogCache::RenderMetrics(std::string& out) const {
  const CatalogCacheStats stats = Stats();
  const std::pair<const char*, std::uint64_t> counters[] = {{"hits", stats.hits},
                                                            {"misses", stats.misses},
                                                            {"errors", stats.errors},
                                                            {"bypassed", stats.bypassed}};
  for (const auto& [name, value] : counters) {
    const std::string metric = std::string("ledger_catalog_cache_") + name + "_total";
    out += "# TYPE " + metric + " counter\n" + metric + " " + std::to_string(value) + "\n";
  }
}

CatalogInvalidator::CatalogInvalidator(CatalogCache& cache,
                                       std::chrono::milliseconds retry_interval)
    : cache_(cache), retry_interval_(retry_interval) {
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

CatalogInvalidator::~CatalogInvalidator() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

std::function<void(const projections::LiveTablesChanged&)> CatalogInvalidator::Callback() {
  return [this](const projections::LiveTablesChanged& change) { OnLiveChange(change); };
}

void CatalogInvalidator::OnLiveChange(const projections::LiveTablesChanged& change) {
  bool any = false;
  std::lock_guard<std::mutex> lock(mu_);
  for (const projections::TableSpec& table : change.replaced) {
    if (table.name != "products") continue;
    all_requested_ = ++sequence_;
    any = true;
  }
  for (const projections::RowChange& row : change.rows) {
    if (row.table == nullptr || row.table->name != "products" || row.key.empty()) continue;
    // Invariant: every table's key starts with tenant_id, a text value (read_model.h).
    const auto* tenant = std::get_if<std::string>(&row.key.front());
    if (tenant == nullptr) continue;
    tenants_[*tenant] = ++sequence_;
    any = true;
  }
  if (!any) return;
  UpdatePendingLocked();
  wake_.notify_all();
}

void CatalogInvalidator::UpdatePendingLocked() {
  pending_count_.store(tenants_.size() + (all_requested_ > all_done_ ? 1 : 0));
}

bool CatalogInvalidator::WaitIdle(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Pending() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return !Pending();
}

void CatalogInvalidator::Run(std::stop_token stop) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop.stop_requested()) {
    wake_.wait(lock, stop, [this] { return Pending(); });
    if (stop.stop_requested()) return;
    lock.unlock();
    Status flushed = Flush();
    lock.lock();
    // Redis is down: wait, then try again (changes meanwhile join the pending set).
    if (!flushed.ok()) wake_.wait_for(lock, stop, retry_interval_, [] { return false; });
  }
}

Status CatalogInvalidator::Flush() {
  std::map<std::string, std::uint64_t, std::less<>> tenants;
  std::uint64_t all = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    tenants = tenants_;
    if (all_requested_ > all_done_) all = all_requested_;
  }
  if (all != 0) {
    LEDGER_RETURN_IF_ERROR(cache_.BumpAll());
    std::lock_guard<std::mutex> lock(mu_);
    all_done_ = std::max(all_done_, all);
    UpdatePendingLocked();
  }
  for (const auto& [tenant, sequence] : tenants) {
    LEDGER_RETURN_IF_ERROR(cache_.BumpTenant(tenant));
    std::lock_guard<std::mutex> lock(mu_);
    // A change that arrived after we copied the set may have committed after our INCR:
    // keep it for the next round.
    auto it = tenants_.find(tenant);
    if (it != tenants_.end() && it->second == sequence) tenants_.erase(it);
    UpdatePendingLocked();
  }
  return Status::Ok();
}

}  // namespace ledger::redis
