#pragma once
// A progress display for long work. On a terminal it redraws one stderr line (bar, count, rate, ETA,
// a free-form status); otherwise it logs a line every 10% so that CI logs stay short.
#include <chrono>
#include <cstdint>
#include <string>

namespace tessera {

class ProgressBar {
 public:
  /// total <= 0 means unknown length (count and rate only). enabled = false makes it silent.
  ProgressBar(std::string label, int64_t total, bool enabled = true);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void advance(int64_t n = 1);
  void set(int64_t done);
  /// Starts from `done` units already finished (a resumed run): the rate counts only the new ones.
  void resume_at(int64_t done) {
    done_ = base_ = done;
    draw(false);
  }
  void set_status(std::string status) { status_ = std::move(status); }
  void finish();

 private:
  void draw(bool force);

  std::string label_;
  std::string status_;
  int64_t total_;
  int64_t done_ = 0;
  int64_t base_ = 0;  ///< units done before this bar started (resume_at)
  bool enabled_;
  bool tty_;
  bool finished_ = false;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace tessera
