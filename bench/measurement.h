// What a driver measures in one run, and the JSON line it prints (bench/README.md, "Driver
// output"). A run counts the operations that complete inside its measuring window; the
// warm-up before the window and operations finishing after it are not counted.
//
// Thread safety: none; give every client thread its own Measurement and Merge them at the end.
#ifndef LEDGER_BENCH_MEASUREMENT_H_
#define LEDGER_BENCH_MEASUREMENT_H_

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace ledger::bench {

using BenchClock = std::chrono::steady_clock;

// [start, end): warm-up ends at start; clients stop at end.
struct Window {
  BenchClock::time_point start;
  BenchClock::time_point end;

  static Window After(std::chrono::duration<double> warmup, std::chrono::duration<double> length);
  bool Contains(BenchClock::time_point t) const { return t >= start && t < end; }
  double seconds() const { return std::chrono::duration<double>(end - start).count(); }
};

class Measurement {
 public:
  // One successful operation that took `latency`.
  void AddOk(BenchClock::duration latency);
  // One failed operation; the first failure's text is kept for the report.
  void AddError(const std::string& what);
  void Merge(const Measurement& other);

  std::uint64_t ok() const { return latencies_us_.size(); }
  std::uint64_t errors() const { return errors_; }

  // The nearest-rank q-quantile (0 < q <= 1) of the successful operations' latencies, in
  // milliseconds; 0 if there are none. Sorts the samples.
  double QuantileMs(double q);

  // Adds "ops", "seconds", "rate" (ok / seconds), "p50_ms", "p90_ms", "p99_ms", "max_ms",
  // "errors" and, if any, "first_error" to `out`.
  void Report(double seconds, boost::json::object& out);

 private:
  std::vector<std::uint32_t> latencies_us_;
  bool sorted_ = false;
  std::uint64_t errors_ = 0;
  std::string first_error_;
};

// CPU time used while a window is open: by the whole machine (every process, from /proc/stat:
// user, nice, system, irq and softirq time; not iowait or a virtual machine's steal) and by
// this process (getrusage). On a machine where the benchmark is CPU-bound this is
// what limits the rate, so drivers report it per operation.
class CpuMeter {
 public:
  // Starts a thread that samples at window.start and window.end.
  explicit CpuMeter(const Window& window);
  ~CpuMeter();  // joins the thread
  CpuMeter(const CpuMeter&) = delete;
  CpuMeter& operator=(const CpuMeter&) = delete;

  // Joins the thread, then adds "cpu_busy" (machine CPU-seconds used per second, 0..nproc),
  // "cpu_us_per_op" (machine CPU microseconds per operation) and "process_cpu_us_per_op"
  // (this process's share) to `out`. `ops` > 0.
  void Report(std::uint64_t ops, boost::json::object& out);

 private:
  struct Sample {
    double machine_busy_seconds = 0;
    double process_seconds = 0;
  };
  static Sample Take();

  Window window_;
  Sample start_, end_;
  std::thread thread_;
};

// Prints `line` as one line of JSON on standard output.
void PrintJsonLine(const boost::json::object& line);

}  // namespace ledger::bench

#endif  // LEDGER_BENCH_MEASUREMENT_H_
