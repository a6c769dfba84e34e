#include "solver/run/signals.hpp"

#include <atomic>
#include <csignal>

namespace steppe {

namespace {

std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig, std::memory_order_relaxed);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

int stop_signal() {
  return g_signal.load(std::memory_order_relaxed);
}

void clear_stop_signal() {
  g_signal.store(0, std::memory_order_relaxed);
}

}  // namespace steppe
