//go:build linux || darwin

package digest

import (
	"io/fs"
	"syscall"
)

func identify(info fs.FileInfo) identity {
	id := identity{size: info.Size(), mod: info.ModTime().UnixNano()}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		id.dev, id.ino = uint64(st.Dev), uint64(st.Ino)
		id.change = changeTime(st)
		id.full = true
	}
	return id
}
