// Benchmarks for the Google Benchmark fixtures: a fast one, a parametrized one, and one that
// reports an error so the reader's handling of errored rows is exercised on real output.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

static void BM_StringCopy(benchmark::State& state) {
  std::string x(64, 'x');
  for (auto _ : state) {
    std::string copy(x);
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_StringCopy);

static void BM_VectorPushBack(benchmark::State& state) {
  for (auto _ : state) {
    std::vector<int> v;
    for (int i = 0; i < state.range(0); ++i) v.push_back(i);
    benchmark::DoNotOptimize(v.data());
  }
}
BENCHMARK(BM_VectorPushBack)->Arg(8)->Arg(512);

static void BM_Broken(benchmark::State& state) {
  state.SkipWithError("resource not available");
  for (auto _ : state) {
  }
}
BENCHMARK(BM_Broken);

BENCHMARK_MAIN();
