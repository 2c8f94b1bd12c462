package main

import "syscall"

// childAttr makes a child padis process die with the test process, so
// that a test killed by its timeout leaves no server behind.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
