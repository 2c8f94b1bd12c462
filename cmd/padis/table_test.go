package main

import (
	"bytes"
	"math"
	"testing"
)

func TestHumanNum(t *testing.T) {
	tests := []struct {
		v       float64
		dec     int
		want    string
		missing string
	}{
		{305831, 0, "305,831", ""},
		{305831.4, 0, "305,831", ""},
		{1234567.891, 2, "1,234,567.89", ""},
		{999, 0, "999", ""},
		{-1234.5, 1, "-1,234.5", ""},
		{-0.001, 2, "0.00", ""},
		{1.65, 2, "1.65", ""},
		{math.NaN(), 2, "–", "–"},
		{math.Inf(1), 0, "", ""},
	}
	for _, tc := range tests {
		if got := humanNum(tc.v, tc.dec, tc.missing); got != tc.want {
			t.Errorf("humanNum(%v, %d) = %q, want %q", tc.v, tc.dec, got, tc.want)
		}
	}
}

func TestDisplayWidth(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"births", 6},
		{"出生人数", 8},
		{"0-14岁人口", 10},
		{"（女=100）", 10}, // full-width parentheses, ASCII inside
		{"‰", 1},
		{"", 0},
	}
	for _, tc := range tests {
		if got := displayWidth(tc.s); got != tc.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

// TestTextTable: columns aligned in display columns, numbers right-aligned,
// no trailing blanks.
func TestTextTable(t *testing.T) {
	var b bytes.Buffer
	tb := newTable("名称", "数值", "单位").alignRight(1)
	tb.add("出生人数", "305,831", "人")
	tb.add("tfr", "1.65", "")
	if err := tb.write(&b); err != nil {
		t.Fatal(err)
	}
	want := "名称         数值  单位\n" +
		"出生人数  305,831  人\n" +
		"tfr          1.65\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}
