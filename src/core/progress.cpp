#include "tessera/core/progress.h"

#include <unistd.h>

#include <cstdio>

#include "tessera/core/log.h"

namespace tessera {

ProgressBar::ProgressBar(std::string label, int64_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && spdlog::default_logger()->level() <= spdlog::level::info),
      tty_(isatty(fileno(stderr)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::advance(int64_t n) { set(done_ + n); }

void ProgressBar::set(int64_t done) {
  done_ = done;
  draw(false);
}

void ProgressBar::draw(bool force) {
  if (!enabled_ || finished_) return;
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double rate = elapsed > 0 ? static_cast<double>(done_ - base_) / elapsed : 0.0;
  if (!tty_) {
    if (total_ <= 0) return;
    int decile = static_cast<int>(10 * done_ / total_);
    if (decile == last_decile_ && !force) return;
    last_decile_ = decile;
    spdlog::info("{}: {}/{} ({:.0f}%) {:.1f}/s {}", label_, done_, total_, 100.0 * done_ / total_, rate,
                 status_);
    return;
  }
  if (!force && std::chrono::duration<double>(now - last_draw_).count() < 0.1) return;
  last_draw_ = now;
  std::string line = "\r" + label_ + " ";
  if (total_ > 0) {
    constexpr int kWidth = 30;
    double frac = std::min(1.0, static_cast<double>(done_) / total_);
    int filled = static_cast<int>(frac * kWidth);
    line += "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
    char buf[128];
    double eta = rate > 0 ? (total_ - done_) / rate : 0.0;
    std::snprintf(buf, sizeof buf, "%lld/%lld %.1f/s ETA %.0fs ", static_cast<long long>(done_),
                  static_cast<long long>(total_), rate, eta);
    line += buf;
  } else {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%lld %.1f/s ", static_cast<long long>(done_), rate);
    line += buf;
  }
  line += status_;
  std::fprintf(stderr, "%s\033[K", line.c_str());
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (finished_) return;
  draw(true);
  finished_ = true;
  if (enabled_ && tty_) std::fprintf(stderr, "\n");
}

}  // namespace tessera
