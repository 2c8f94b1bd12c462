package detect

import (
	"fmt"
	"strings"
)

// Method names accepted by Detect.
const (
	MethodEARSC1     = "ears-c1"
	MethodEARSC2     = "ears-c2"
	MethodEARSC3     = "ears-c3"
	MethodCUSUM      = "cusum"
	MethodFarrington = "farrington"
)

// Methods lists the method names accepted by Detect.
var Methods = []string{MethodEARSC1, MethodEARSC2, MethodEARSC3, MethodCUSUM, MethodFarrington}

// Detect runs the named method on series.
func Detect(method string, series []float64, opts Options) ([]Result, error) {
	switch method {
	case MethodEARSC1:
		return EARSC1(series, opts)
	case MethodEARSC2:
		return EARSC2(series, opts)
	case MethodEARSC3:
		return EARSC3(series, opts)
	case MethodCUSUM:
		return CUSUM(series, opts)
	case MethodFarrington:
		return Farrington(series, opts)
	}
	return nil, fmt.Errorf("detect: unknown method %q (want one of %s)", method, strings.Join(Methods, ", "))
}
