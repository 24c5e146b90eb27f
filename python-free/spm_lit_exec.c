/* spm_lit_exec.c - runs test scripts as child processes (fork/execve of
 * /bin/bash in a new process group), collects their stdout and stderr with
 * poll(), enforces the per-test timeout by killing the process group, and
 * reaps them with waitpid(). */
#define _XOPEN_SOURCE 700 /* POSIX.1-2008 with XSI (realpath) */

#include "spm_lit_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int spm_lit_set_cloexec(int fd) {
  int flags = fcntl(fd, F_GETFD);
  return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

static void spm_lit_close_fd(int *fd) {
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

/* Async-signal-safe error report from the child before _exit(127). */
static _Noreturn void spm_lit_child_fail(const char *what, const char *arg) {
  const char *parts[] = {"spm-lit: ", what, arg ? arg : "", "\n"};
  for (size_t i = 0; i < 4; i++) {
    size_t len = strlen(parts[i]);
    while (len > 0) {
      ssize_t n = write(STDERR_FILENO, parts[i], len);
      if (n <= 0)
        break;
      parts[i] += n;
      len -= (size_t)n;
    }
  }
  _exit(127);
}

/* In the child: only async-signal-safe calls from here on. */
static void spm_lit_child(const char *script, const char *cwd,
                          char *const envp[], int out_fd, int err_fd) {
  setpgid(0, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGPIPE, &sa, NULL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  int in_fd = open("/dev/null", O_RDONLY);
  if (in_fd < 0 || dup2(in_fd, STDIN_FILENO) < 0 ||
      dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0)
    spm_lit_child_fail("cannot set up the standard streams", NULL);
  if (chdir(cwd) != 0)
    spm_lit_child_fail("cannot change directory to ", cwd);
  static char bash_name[] = "bash";
  char *argv[] = {bash_name, (char *)script, NULL};
  execve("/bin/bash", argv, envp);
  spm_lit_child_fail("cannot execute ", "/bin/bash");
}

int spm_lit_job_start(spm_lit_job *job, const char *script, const char *cwd,
                      char *const envp[], unsigned timeout_secs,
                      spm_lit_buf *err) {
  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0 ||
      spm_lit_set_cloexec(out_pipe[0]) != 0 ||
      spm_lit_set_cloexec(out_pipe[1]) != 0 ||
      spm_lit_set_cloexec(err_pipe[0]) != 0 ||
      spm_lit_set_cloexec(err_pipe[1]) != 0) {
    spm_lit_buf_printf(err, "cannot create pipes: %s", strerror(errno));
    for (int i = 0; i < 2; i++) {
      spm_lit_close_fd(&out_pipe[i]);
      spm_lit_close_fd(&err_pipe[i]);
    }
    return -1;
  }
  pid_t pid = fork();
  if (pid == 0)
    spm_lit_child(script, cwd, envp, out_pipe[1], err_pipe[1]);
  int fork_errno = errno;
  spm_lit_close_fd(&out_pipe[1]);
  spm_lit_close_fd(&err_pipe[1]);
  if (pid < 0) {
    spm_lit_buf_printf(err, "cannot fork: %s", strerror(fork_errno));
    spm_lit_close_fd(&out_pipe[0]);
    spm_lit_close_fd(&err_pipe[0]);
    return -1;
  }
  /* Also here, so the group exists before any kill(-pid) (races are fine:
   * whichever call comes second fails harmlessly). */
  setpgid(pid, pid);
  memset(job->out, 0, sizeof job->out);
  job->pid = pid;
  job->fd[0] = out_pipe[0];
  job->fd[1] = err_pipe[0];
  job->timed_out = 0;
  job->exit_code = 0;
  job->has_deadline = timeout_secs > 0;
  if (clock_gettime(CLOCK_MONOTONIC, &job->deadline) != 0)
    job->has_deadline = 0;
  job->deadline.tv_sec += (time_t)timeout_secs;
  return 0;
}

static int spm_lit_decode_status(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return -WTERMSIG(status);
  return 1;
}

/* Blocking reap; returns the exit code. */
static int spm_lit_reap(pid_t pid) {
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, 0);
    if (r == pid)
      return spm_lit_decode_status(status);
    if (r < 0 && errno != EINTR)
      return 127;
  }
}

void spm_lit_job_abort(spm_lit_job *job) {
  if (kill(-job->pid, SIGKILL) != 0)
    kill(job->pid, SIGKILL);
  spm_lit_close_fd(&job->fd[0]);
  spm_lit_close_fd(&job->fd[1]);
  job->exit_code = spm_lit_reap(job->pid);
}

void spm_lit_job_release(spm_lit_job *job) {
  spm_lit_buf_free(&job->out[0]);
  spm_lit_buf_free(&job->out[1]);
}

/* Milliseconds from now until t (rounded up), at least 0. */
static long spm_lit_ms_until(const struct timespec *t,
                             const struct timespec *now) {
  long long ms = (long long)(t->tv_sec - now->tv_sec) * 1000 +
                 (t->tv_nsec - now->tv_nsec + 999999) / 1000000;
  return ms < 0 ? 0 : ms > 1000000 ? 1000000 : (long)ms;
}

/* Returns 1 (and fills in the exit code) when the job is done. */
static int spm_lit_job_check(spm_lit_job *job, const struct timespec *now) {
  if (job->has_deadline &&
      (now->tv_sec > job->deadline.tv_sec ||
       (now->tv_sec == job->deadline.tv_sec &&
        now->tv_nsec >= job->deadline.tv_nsec))) {
    job->timed_out = 1;
    spm_lit_job_abort(job);
    return 1;
  }
  if (job->fd[0] >= 0 || job->fd[1] >= 0)
    return 0;
  int status = 0;
  pid_t r = waitpid(job->pid, &status, WNOHANG);
  if (r == job->pid) {
    job->exit_code = spm_lit_decode_status(status);
    return 1;
  }
  if (r < 0 && errno != EINTR) {
    job->exit_code = 127;
    return 1;
  }
  return 0;
}

long spm_lit_jobs_wait(spm_lit_job *const jobs[], size_t n,
                       volatile sig_atomic_t *stop) {
  struct pollfd *pfds = spm_lit_xmalloc(2 * n * sizeof *pfds);
  spm_lit_job **owners = spm_lit_xmalloc(2 * n * sizeof *owners);
  int *slots = spm_lit_xmalloc(2 * n * sizeof *slots);
  long done = -1;
  while (done < 0 && !*stop) {
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) {
      fprintf(stderr, "spm-lit: error: clock_gettime: %s\n", strerror(errno));
      exit(2);
    }
    for (size_t i = 0; i < n && done < 0; i++)
      if (spm_lit_job_check(jobs[i], &now))
        done = (long)i;
    if (done >= 0)
      break;

    /* Wake up at least every 500 ms to notice *stop set just before poll. */
    long timeout_ms = 500;
    nfds_t nfds = 0;
    for (size_t i = 0; i < n; i++) {
      spm_lit_job *job = jobs[i];
      for (int k = 0; k < 2; k++) {
        if (job->fd[k] < 0)
          continue;
        pfds[nfds].fd = job->fd[k];
        pfds[nfds].events = POLLIN;
        pfds[nfds].revents = 0;
        owners[nfds] = job;
        slots[nfds] = k;
        nfds++;
      }
      if (job->fd[0] < 0 && job->fd[1] < 0 && timeout_ms > 10)
        timeout_ms = 10; /* output closed, process not yet exited */
      if (job->has_deadline) {
        long ms = spm_lit_ms_until(&job->deadline, &now);
        if (ms < timeout_ms)
          timeout_ms = ms;
      }
    }
    int rc = poll(pfds, nfds, (int)timeout_ms);
    if (rc < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == ENOMEM)
        continue;
      fprintf(stderr, "spm-lit: error: poll: %s\n", strerror(errno));
      exit(2);
    }
    for (nfds_t i = 0; i < nfds && rc > 0; i++) {
      if (!pfds[i].revents)
        continue;
      spm_lit_job *job = owners[i];
      int k = slots[i];
      char chunk[65536];
      ssize_t got = read(job->fd[k], chunk, sizeof chunk);
      if (got > 0)
        spm_lit_buf_append(&job->out[k], chunk, (size_t)got);
      else if (got == 0 || (errno != EINTR && errno != EAGAIN))
        spm_lit_close_fd(&job->fd[k]);
    }
  }
  free(pfds);
  free(owners);
  free(slots);
  return done;
}
