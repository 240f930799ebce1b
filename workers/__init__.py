"""RQ workers: timer jobs, the reconciler and the embedded Redis of the one-machine setup."""
