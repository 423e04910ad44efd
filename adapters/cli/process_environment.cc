#include "adapters/cli/process_environment.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "adapters/store/open_event_store.h"
#include "adapters/store/open_read_model_store.h"
#include "adapters/store/open_snapshot_store.h"

namespace ledger::cli {
namespace {

// Written by the signal handler: only a lock-free atomic is safe there.
volatile std::sig_atomic_t stop_requested = 0;

extern "C" void OnStopSignal(int) { stop_requested = 1; }

}  // namespace

std::istream& ProcessEnvironment::In() { return std::cin; }
std::ostream& ProcessEnvironment::Out() { return std::cout; }
std::ostream& ProcessEnvironment::Err() { return std::cerr; }

bool ProcessEnvironment::ErrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

std::optional<std::string> ProcessEnvironment::GetEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): no setenv
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<std::unique_ptr<EventStore>> ProcessEnvironment::OpenStore(const std::string& url) {
  return OpenEventStore(url);
}

Result<std::unique_ptr<projections::ReadModelStore>> ProcessEnvironment::OpenReadModels(
    const std::string& url) {
  return OpenReadModelStore(url);
}

Result<std::unique_ptr<SnapshotStore>> ProcessEnvironment::OpenSnapshots(const std::string& url) {
  return OpenSnapshotStore(url);
}

Status ProcessEnvironment::MigrateStore(const std::string& url) {
  return ::ledger::MigrateStore(url);
}

void ProcessEnvironment::CatchStopSignals() {
  // No SA_RESTART: a blocking call returns early so the loop sees the flag sooner.
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool ProcessEnvironment::StopRequested() { return stop_requested != 0; }

}  // namespace ledger::cli
