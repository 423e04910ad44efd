// RedisConnection: one hiredis connection to a Redis server, with errors as Status values.
// Only redis_connection.cc includes hiredis.h.
//
// A connection that fails (server gone, timeout, protocol error) is closed and opened again
// on the next call, so a caller that keeps calling recovers by itself when the server
// returns. Unavailable means the server could not be reached or did not answer in time: the
// command may or may not have run.
//
// Thread safety: none; one thread at a time (RedisJobQueue keeps a pool of them).
#ifndef LEDGER_ADAPTERS_REDIS_REDIS_CONNECTION_H_
#define LEDGER_ADAPTERS_REDIS_REDIS_CONNECTION_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

struct redisContext;

namespace ledger::redis {

// redis://host[:port][/db]; host may be a name or an IPv4/IPv6 address ([::1]).
struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
};

Result<RedisEndpoint> ParseRedisUrl(std::string_view url);

struct RedisOptions {
  std::chrono::milliseconds connect_timeout{2'000};
  // How long a command may take to answer, on top of any time it blocks on purpose.
  std::chrono::milliseconds command_timeout{5'000};
};

// A reply, copied out of hiredis's reply tree.
struct RedisReply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string text;                  // kString, kStatus, kError
  std::int64_t integer = 0;          // kInteger
  std::vector<RedisReply> elements;  // kArray

  bool is_nil() const { return type == Type::kNil; }
  bool is_array() const { return type == Type::kArray; }
  bool is_error() const { return type == Type::kError; }
};

class RedisConnection {
 public:
  RedisConnection(RedisEndpoint endpoint, RedisOptions options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command and returns its reply. An error reply is a Status: Unavailable for
  // errors that pass (LOADING, BUSY, MASTERDOWN, TRYAGAIN), Internal for the rest, with the
  // server's message ("NOGROUP No such key ..."). `extra_wait` is how long the command may
  // block on purpose (XREADGROUP BLOCK), added to the command timeout.
  Result<RedisReply> Command(const std::vector<std::string>& args,
                             std::chrono::milliseconds extra_wait = std::chrono::milliseconds(0));

  // Runs a Lua script by its SHA-1 (EVALSHA), loading it first when the server does not have
  // it (a new or restarted server).
  Result<RedisReply> Eval(std::string_view script, const std::vector<std::string>& keys,
                          const std::vector<std::string>& args);

  // Whether the last call left a usable connection (false: the next call reconnects).
  bool healthy() const { return context_ != nullptr; }

 private:
  Status Connect();
  void Close();

  RedisEndpoint endpoint_;
  RedisOptions options_;
  redisContext* context_ = nullptr;
  // SHA-1 of each script loaded on this connection's server, by script text.
  std::map<std::string, std::string, std::less<>> script_shas_;
};

}  // namespace ledger::redis

#endif  // LEDGER_ADAPTERS_REDIS_REDIS_CONNECTION_H_
