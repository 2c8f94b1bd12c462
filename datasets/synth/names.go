package synth

import (
	"math/rand/v2"
	"strings"
)

// Name lists. Surnames carry approximate frequencies (% of the population,
// after the 2020 household-register name report); given-name characters are
// common choices by sex. Tibetan and Uyghur names follow their own customs.

var surnameList = []struct {
	name string
	w    float64
}{
	{"王", 7.1}, {"李", 7.0}, {"张", 6.9}, {"刘", 5.4}, {"陈", 4.6}, {"杨", 3.1}, {"黄", 2.4}, {"赵", 2.3},
	{"吴", 2.0}, {"周", 1.9}, {"徐", 1.5}, {"孙", 1.5}, {"马", 1.4}, {"朱", 1.3}, {"胡", 1.3}, {"郭", 1.2},
	{"何", 1.2}, {"林", 1.1}, {"高", 1.1}, {"罗", 1.1}, {"郑", 1.0}, {"梁", 1.0}, {"谢", 0.8}, {"宋", 0.8},
	{"唐", 0.8}, {"许", 0.7}, {"韩", 0.7}, {"邓", 0.7}, {"冯", 0.7}, {"曹", 0.7}, {"彭", 0.7}, {"曾", 0.6},
	{"肖", 0.6}, {"田", 0.6}, {"董", 0.6}, {"潘", 0.5}, {"袁", 0.5}, {"蔡", 0.5}, {"蒋", 0.5}, {"余", 0.5},
	{"于", 0.5}, {"杜", 0.5}, {"叶", 0.5}, {"程", 0.5}, {"魏", 0.4}, {"苏", 0.4}, {"吕", 0.4}, {"丁", 0.4},
	{"任", 0.4}, {"卢", 0.4}, {"姚", 0.4}, {"沈", 0.4}, {"钟", 0.4}, {"姜", 0.4}, {"崔", 0.4}, {"谭", 0.4},
	{"陆", 0.3}, {"范", 0.3}, {"汪", 0.3}, {"廖", 0.3}, {"石", 0.3}, {"金", 0.3}, {"韦", 0.3}, {"贾", 0.3},
	{"夏", 0.3}, {"付", 0.3}, {"方", 0.3}, {"邹", 0.3}, {"熊", 0.3}, {"白", 0.3}, {"孟", 0.3}, {"秦", 0.3},
	{"邱", 0.3}, {"侯", 0.3}, {"江", 0.3}, {"尹", 0.3}, {"薛", 0.2}, {"闫", 0.2}, {"段", 0.2}, {"雷", 0.2},
	{"龙", 0.2}, {"黎", 0.2}, {"史", 0.2}, {"陶", 0.2}, {"贺", 0.2}, {"毛", 0.2}, {"郝", 0.2}, {"顾", 0.2},
	{"龚", 0.2}, {"邵", 0.2}, {"万", 0.2}, {"覃", 0.2}, {"武", 0.2}, {"钱", 0.2}, {"戴", 0.2}, {"严", 0.2},
	{"欧阳", 0.05}, {"司马", 0.01}, {"诸葛", 0.01}, {"上官", 0.01},
}

var surnameCum = func() []float64 {
	w := make([]float64, len(surnameList))
	for i, s := range surnameList {
		w[i] = s.w
	}
	return cumulative(w)
}()

var (
	givenMale   = []rune("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欣建国志文海峰亮成东兵胜军博睿轩泽宇晨豪然")
	givenFemale = []rune("芳娜敏静丽艳娟霞秀英燕玲桂兰萍红梅琳雪婷颖倩慧莉晶欣怡涵萱悦彤妍琪佳雨思梦瑶璐蕾丹")
	givenBoth   = []rune("子一佳嘉晓小天春秋永玉金云新雅诗")

	tibetanNames = []string{"扎西", "次仁", "多吉", "顿珠", "平措", "旺堆", "索朗", "格桑", "达瓦", "尼玛", "卓玛", "央金", "拉姆", "措姆", "白玛", "德吉", "曲珍", "普布"}
	uyghurMale   = []string{"买买提", "艾力", "阿不都", "吐尔逊", "努尔", "艾买提", "热合曼", "伊力哈木", "库尔班", "亚森"}
	uyghurFemale = []string{"阿依古丽", "古丽", "热依拉", "帕提古丽", "米热古丽", "努尔尼沙", "阿依努尔", "祖丽菲亚"}
)

// randomSurname draws a surname.
func randomSurname(r *rand.Rand) string { return surnameList[pick(r, surnameCum)].name }

// randomName returns a full name for a person of sex (1 male, 2 female)
// and ethnicity code eth with the given family surname (ignored for
// Tibetans and Uyghurs, who use no Han surname).
func randomName(r *rand.Rand, surname string, sex uint8, eth uint8) string {
	switch eth {
	case 4: // Tibetan: two two-character names
		return tibetanNames[r.IntN(len(tibetanNames))] + tibetanNames[r.IntN(len(tibetanNames))]
	case 5: // Uyghur: own name · father's name
		own := uyghurMale
		if sex == 2 {
			own = uyghurFemale
		}
		return own[r.IntN(len(own))] + "·" + uyghurMale[r.IntN(len(uyghurMale))]
	}
	var b strings.Builder
	b.WriteString(surname)
	n := 2
	if r.IntN(4) == 0 {
		n = 1
	}
	for i := 0; i < n; i++ {
		list := givenMale
		if sex == 2 {
			list = givenFemale
		}
		if r.IntN(5) == 0 {
			list = givenBoth
		}
		b.WriteRune(list[r.IntN(len(list))])
	}
	return b.String()
}
