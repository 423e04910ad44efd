// ledger_bench_rebuild: a full rebuild of every projector from the log in PostgreSQL, the
// ledger side of bench/run's "rebuild" row. Prints one JSON line (bench/README.md).
//
//   ledger_bench_rebuild --database-url URL [--batch-size N] [--projectors a,b,...] [--digest]
//                        [--rebuild-buffer-mib N] [--flush-in-place]
//
// Runs projections::ProjectToHead with every standard projector (StandardProjectors, what
// `ledger serve` runs; or those named by --projectors) named in force_rebuild, as
// `ledger rebuild` does: each projector's tables are created as shadow tables, filled from
// position 0 in batches (ReadAll, the projectors), their rows held in the write-back buffer
// and written with the checkpoints by ReadModelStore::CommitBulk whenever it passes
// --rebuild-buffer-mib (default RunnerOptions', 64; 0: one ReadModelStore::Commit per batch,
// the runtime before the buffer; --flush-in-place: written when full and waited for, instead of
// behind), and swapped in when caught up. The database must hold a
// migrated ledger with its log imported; read models already there are replaced.
//
// Reports the events read per second over the whole rebuild (from the first read to the last
// promotion), peak resident memory (VmHWM: the most this process ever held, so the log must
// stream through it), and CPU per event: the machine's (this process and PostgreSQL) and this
// process's own.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "adapters/postgres/pg_event_store.h"
#include "adapters/postgres/pg_read_model_store.h"
#include "bench/measurement.h"
#include "projections/catalog/standard_projectors.h"
#include "projections/digest.h"
#include "projections/runner.h"

namespace ledger::bench {
namespace {

struct Options {
  std::string database_url;
  std::size_t batch_size = projections::RunnerOptions{}.batch_size;
  std::string projectors;  // comma-separated names; empty: every standard projector
  bool digest = false;
  std::size_t rebuild_buffer_mib = projections::RunnerOptions{}.rebuild_buffer_bytes >> 20;
  bool flush_in_place = false;
};

std::vector<std::string> SplitNames(const std::string& list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t end = std::min(list.find(',', start), list.size());
    if (end > start) names.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

// CPU-seconds used so far: by the whole machine (user, nice, system, irq, softirq from
// /proc/stat, as CpuMeter counts them) and by this process.
struct CpuSample {
  double machine = 0;
  double process = 0;
};

CpuSample TakeCpu() {
  CpuSample s;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
  s.machine = (user + nice + system + irq + softirq) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  rusage self{};
  ::getrusage(RUSAGE_SELF, &self);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  s.process = seconds(self.ru_utime) + seconds(self.ru_stime);
  return s;
}

// A field of /proc/self/status in kB ("VmHWM", "VmRSS"); 0 if absent.
double StatusKb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1));
  }
  return 0;
}

int Run(const Options& options) {
  Result<std::unique_ptr<PgEventStore>> events = PgEventStore::Open(options.database_url);
  if (!events.ok()) {
    std::cerr << "event store: " << events.status().ToString() << "\n";
    return 1;
  }
  Result<std::unique_ptr<PgReadModelStore>> rows = PgReadModelStore::Open(options.database_url);
  if (!rows.ok()) {
    std::cerr << "read-model store: " << rows.status().ToString() << "\n";
    return 1;
  }
  projections::StandardProjectors standard;
  Result<std::vector<projections::Projector*>> selected =
      standard.Select(SplitNames(options.projectors));
  if (!selected.ok()) {
    std::cerr << "--projectors: " << selected.status().ToString() << "\n";
    return 2;
  }
  std::vector<projections::Projector*> projectors = *std::move(selected);
  std::vector<std::string> names;
  for (projections::Projector* p : projectors) names.emplace_back(p->name());
  projections::RunnerOptions runner;
  runner.batch_size = options.batch_size;
  runner.rebuild_buffer_bytes = options.rebuild_buffer_mib << 20;
  runner.rebuild_flush_behind = !options.flush_in_place;
  double rss_before_mib = StatusKb("VmRSS") / 1024;

  std::uint64_t events_read = 0;
  auto progress = [&](std::span<const projections::ProjectorProgress> all) {
    for (const auto& p : all) events_read = std::max(events_read, p.events);
  };
  CpuSample cpu_start = TakeCpu();
  BenchClock::time_point start = BenchClock::now();
  Status rebuilt =
      projections::ProjectToHead(**events, **rows, projectors, runner, names, progress);
  BenchClock::time_point end = BenchClock::now();
  CpuSample cpu_end = TakeCpu();
  if (!rebuilt.ok()) {
    std::cerr << "rebuild: " << rebuilt.ToString() << "\n";
    return 1;
  }
  double seconds = std::chrono::duration<double>(end - start).count();
  double n = static_cast<double>(std::max<std::uint64_t>(events_read, 1));
  boost::json::object line;
  line["bench"] = "rebuild";
  line["side"] = "ledger";
  line["mode"] = "rebuild";
  line["clients"] = 1;
  line["projectors"] = projectors.size();
  boost::json::array projector_names;
  for (const std::string& name : names) projector_names.emplace_back(name);
  line["projector_names"] = std::move(projector_names);
  line["batch_size"] = options.batch_size;
  line["rebuild_buffer_mib"] = options.rebuild_buffer_mib;
  line["ops"] = events_read;
  line["seconds"] = seconds;
  line["rate"] = static_cast<double>(events_read) / seconds;
  line["errors"] = 0;
  line["cpu_busy"] = (cpu_end.machine - cpu_start.machine) / seconds;
  line["cpu_us_per_op"] = (cpu_end.machine - cpu_start.machine) * 1e6 / n;
  line["process_cpu_us_per_op"] = (cpu_end.process - cpu_start.process) * 1e6 / n;
  line["peak_rss_mib"] = StatusKb("VmHWM") / 1024;
  line["rss_before_mib"] = rss_before_mib;
  if (options.digest) {
    // After the measured window: the read models' digest, the same whatever the batch size
    // or the runtime's optimisations (a check that they changed nothing).
    Result<projections::ReadModelDigest> digest = projections::ComputeDigest(**rows, projectors);
    if (!digest.ok()) {
      std::cerr << "digest: " << digest.status().ToString() << "\n";
      return 1;
    }
    line["digest"] = HexEncode(digest->digest);
  }
  PrintJsonLine(line);
  return 0;
}

}  // namespace
}  // namespace ledger::bench

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  ledger::bench::Options options;
  po::options_description desc("ledger_bench_rebuild options");
  desc.add_options()("help", "this text")(
      "database-url", po::value(&options.database_url)->required(),
      "a migrated ledger database with its log imported (owner URL)")(
      "batch-size", po::value(&options.batch_size), "events per read of the log and per commit")(
      "projectors", po::value(&options.projectors),
      "comma-separated projector names to rebuild (default: every standard projector)")(
      "rebuild-buffer-mib", po::value(&options.rebuild_buffer_mib),
      "MiB of rows held before each bulk write (0: commit every batch)")(
      "flush-in-place", po::bool_switch(&options.flush_in_place),
      "write the buffer when full and wait for it, not behind while the next batches apply")(
      "digest", po::bool_switch(&options.digest),
      "after the rebuild, add the read models' digest to the line");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << desc;
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << e.what() << "\n" << desc;
    return 2;
  }
  return ledger::bench::Run(options);
}
