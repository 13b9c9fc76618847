module github.com/koppeling/koppeling

go 1.26
