"""Benchmark harness of the TMF622 mock: throughput versus a bare baseline, scale, memory, suite time."""
