#include "bench/measurement.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>

namespace ledger::bench {

Window Window::After(std::chrono::duration<double> warmup, std::chrono::duration<double> length) {
  Window w;
  w.start = BenchClock::now() + std::chrono::duration_cast<BenchClock::duration>(warmup);
  w.end = w.start + std::chrono::duration_cast<BenchClock::duration>(length);
  return w;
}

void Measurement::AddOk(BenchClock::duration latency) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
  latencies_us_.push_back(us < 0 ? 0 : us > kMax ? kMax : static_cast<std::uint32_t>(us));
  sorted_ = false;
}

void Measurement::AddError(const std::string& what) {
  if (errors_++ == 0) first_error_ = what;
}

void Measurement::Merge(const Measurement& other) {
  latencies_us_.insert(latencies_us_.end(), other.latencies_us_.begin(), other.latencies_us_.end());
  sorted_ = false;
  if (errors_ == 0) first_error_ = other.first_error_;
  errors_ += other.errors_;
}

double Measurement::QuantileMs(double q) {
  if (latencies_us_.empty()) return 0;
  if (!sorted_) {
    std::sort(latencies_us_.begin(), latencies_us_.end());
    sorted_ = true;
  }
  // Nearest rank: the smallest sample with at least q of all samples at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(latencies_us_.size())));
  rank = std::clamp<std::size_t>(rank, 1, latencies_us_.size());
  return latencies_us_[rank - 1] / 1000.0;
}

void Measurement::Report(double seconds, boost::json::object& out) {
  out["ops"] = ok();
  out["seconds"] = seconds;
  out["rate"] = seconds > 0 ? static_cast<double>(ok()) / seconds : 0.0;
  out["p50_ms"] = QuantileMs(0.50);
  out["p90_ms"] = QuantileMs(0.90);
  out["p99_ms"] = QuantileMs(0.99);
  out["max_ms"] = QuantileMs(1.0);
  out["errors"] = errors_;
  if (errors_ > 0) out["first_error"] = first_error_;
}

CpuMeter::CpuMeter(const Window& window)
    : window_(window), thread_([this] {
        std::this_thread::sleep_until(window_.start);
        start_ = Take();
        std::this_thread::sleep_until(window_.end);
        end_ = Take();
      }) {}

CpuMeter::~CpuMeter() {
  if (thread_.joinable()) thread_.join();
}

CpuMeter::Sample CpuMeter::Take() {
  Sample s;
  // "cpu  user nice system idle iowait irq softirq steal ...", in clock ticks. Steal (time a
  // virtual machine's host ran something else) is not work done here, so it is not busy.
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
  s.machine_busy_seconds =
      (user + nice + system + irq + softirq) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  rusage self{};
  ::getrusage(RUSAGE_SELF, &self);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  s.process_seconds = seconds(self.ru_utime) + seconds(self.ru_stime);
  return s;
}

void CpuMeter::Report(std::uint64_t ops, boost::json::object& out) {
  if (thread_.joinable()) thread_.join();
  double machine = end_.machine_busy_seconds - start_.machine_busy_seconds;
  double process = end_.process_seconds - start_.process_seconds;
  double n = static_cast<double>(ops == 0 ? 1 : ops);
  out["cpu_busy"] = machine / window_.seconds();
  out["cpu_us_per_op"] = machine * 1e6 / n;
  out["process_cpu_us_per_op"] = process * 1e6 / n;
}

void PrintJsonLine(const boost::json::object& line) {
  std::cout << boost::json::serialize(line) << '\n' << std::flush;
}

}  // namespace ledger::bench
