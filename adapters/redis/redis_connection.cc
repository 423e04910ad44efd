#include "adapters/redis/redis_connection.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <charconv>
#include <utility>

namespace ledger::redis {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

Result<int> ParseInt(std::string_view text, std::string_view what, std::string_view url) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgument("bad " + std::string(what) + " in Redis URL " + std::string(url));
  }
  return value;
}

RedisReply Copy(const redisReply& reply) {
  RedisReply out;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i)
        out.elements.push_back(Copy(*reply.element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

// Errors a server reports while it is briefly unable to serve (loading its data after a
// restart, running a long script, a replica without its master): retry later.
bool IsTransientError(std::string_view message) {
  for (std::string_view prefix : {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"}) {
    if (message.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

Result<RedisEndpoint> ParseRedisUrl(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) {
    return InvalidArgument("a Redis URL is redis://host[:port][/db], not \"" + std::string(url) +
                           "\"");
  }
  std::string_view rest = url.substr(kScheme.size());
  RedisEndpoint endpoint;
  if (std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      LEDGER_ASSIGN_OR_RETURN(endpoint.db, ParseInt(db, "database", url));
    }
    rest = rest.substr(0, slash);
  }
  if (rest.find('@') != std::string_view::npos) {
    return InvalidArgument("Redis URLs with credentials are not supported: " + std::string(url));
  }
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {  // [IPv6]:port
    std::size_t close = rest.find(']');
    if (close == std::string_view::npos)
      return InvalidArgument("bad Redis URL " + std::string(url));
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (after.starts_with(':')) port = after.substr(1);
  } else if (std::size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return InvalidArgument("no host in Redis URL " + std::string(url));
  endpoint.host = std::string(host);
  if (!port.empty()) {
    LEDGER_ASSIGN_OR_RETURN(endpoint.port, ParseInt(port, "port", url));
  }
  return endpoint;
}

RedisConnection::RedisConnection(RedisEndpoint endpoint, RedisOptions options)
    : endpoint_(std::move(endpoint)), options_(options) {}

RedisConnection::~RedisConnection() { Close(); }

void RedisConnection::Close() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

Status RedisConnection::Connect() {
  const std::string where = "redis " + endpoint_.host + ":" + std::to_string(endpoint_.port);
  redisContext* context = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port,
                                                  ToTimeval(options_.connect_timeout));
  if (context == nullptr) return Unavailable(where + ": cannot allocate a connection");
  if (context->err != 0) {
    Status status = Unavailable(where + ": " + context->errstr);
    redisFree(context);
    return status;
  }
  if (redisSetTimeout(context, ToTimeval(options_.command_timeout)) != REDIS_OK) {
    redisFree(context);
    return Unavailable(where + ": cannot set the command timeout");
  }
  context_ = context;
  script_shas_.clear();  // perhaps a restarted server: it has forgotten every script
  if (endpoint_.db != 0) {
    Result<RedisReply> selected = Command({"SELECT", std::to_string(endpoint_.db)});
    if (!selected.ok()) {
      Close();
      return selected.status().WithContext(where);
    }
  }
  return Status::Ok();
}

Result<RedisReply> RedisConnection::Command(const std::vector<std::string>& args,
                                            std::chrono::milliseconds extra_wait) {
  if (context_ == nullptr) LEDGER_RETURN_IF_ERROR(Connect());
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  bool longer = extra_wait.count() > 0;
  if (longer) redisSetTimeout(context_, ToTimeval(options_.command_timeout + extra_wait));
  void* raw =
      redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data());
  if (raw == nullptr) {
    // The connection is unusable after an I/O or protocol error: drop it; the next call
    // connects afresh.
    Status status =
        Unavailable("redis " + endpoint_.host + ":" + std::to_string(endpoint_.port) + ": " +
                    (context_->errstr[0] != '\0' ? context_->errstr : "no reply"));
    Close();
    return status;
  }
  std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                     &freeReplyObject);
  if (longer) redisSetTimeout(context_, ToTimeval(options_.command_timeout));
  RedisReply copy = Copy(*reply);
  if (copy.is_error()) {
    if (IsTransientError(copy.text)) return Unavailable("redis: " + copy.text);
    return Internal("redis " + (args.empty() ? std::string() : args.front()) + ": " + copy.text);
  }
  return copy;
}

Result<RedisReply> RedisConnection::Eval(std::string_view script,
                                         const std::vector<std::string>& keys,
                                         const std::vector<std::string>& args) {
  for (int tries = 0; tries < 2; ++tries) {
    auto known = script_shas_.find(script);
    if (known == script_shas_.end()) {
      LEDGER_ASSIGN_OR_RETURN(RedisReply loaded, Command({"SCRIPT", "LOAD", std::string(script)}));
      known = script_shas_.emplace(std::string(script), loaded.text).first;
    }
    std::vector<std::string> command = {"EVALSHA", known->second, std::to_string(keys.size())};
    command.insert(command.end(), keys.begin(), keys.end());
    command.insert(command.end(), args.begin(), args.end());
    Result<RedisReply> reply = Command(command);
    if (reply.ok() || reply.status().message().find("NOSCRIPT") == std::string::npos) {
      return reply;
    }
    script_shas_.erase(known);  // the server restarted without its script cache: load again
  }
  return Internal("redis: the server keeps forgetting a script just loaded");
}

}  // namespace ledger::redis
