package projections
import "testing"
func TestProbeE0(t *testing.T){
 for s:=Male; s<=Female; s++ { lt:=StandardLifeTable(s); t.Logf("%v e0=%.3f q0=%.5f l65=%.4f e65=%.3f", s, lt.E0(), lt.Qx[0], lt.Lx[65], lt.Ex[65]) }
}
