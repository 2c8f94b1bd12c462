// Command gendivisions rebuilds datasets/data/divisions.txt.gz from the
// statistical division code list in CSV. It is run by go generate in
// package datasets:
//
//	go run ./internal/gendivisions -src ../../shared/data/divisions -out data/divisions.txt.gz
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/padis/padis/datasets/internal/divcsv"
)

func main() {
	src := flag.String("src", "../../shared/data/divisions", "directory holding provinces.csv … villages.csv.gz")
	out := flag.String("out", "data/divisions.txt.gz", "compact file to write")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gendivisions: ")
	divs, err := divcsv.Read(*src)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := divcsv.Encode(&buf, divs); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s: %d divisions, %d bytes\n", *out, len(divs), buf.Len())
}
