"""fastops demo application: what python_app deploys in tests, in `make demo` and in the README."""
