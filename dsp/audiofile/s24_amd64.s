//go:build !purego

#include "textflag.h"

// func decodeS24x2SSE2(dl, dr *float64, b *byte, n int)
//
// Stereo 24-bit frames (L then R, 3 bytes each, little-endian) to float64,
// two frames per iteration: each sample is sign-extended from a 4-byte load
// that holds it in its top 3 bytes (SHLL/SARL for L, SARL for R, whose
// load starts one byte before it), converted exactly by CVTDQ2PD and
// scaled by 2^-23 (MULPD, exact). Every load stays inside the frame. n is
// even.
TEXT ·decodeS24x2SSE2(SB), NOSPLIT, $0-32
	MOVQ dl+0(FP), DI
	MOVQ dr+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ $0x3e80000000000000, AX // 2^-23
	MOVQ AX, X7
	MOVLHPS X7, X7
	XORQ R8, R8
	TESTQ CX, CX
	JLE done

loop:
	MOVL 0(DX), AX
	SHLL $8, AX
	SARL $8, AX
	MOVL 2(DX), BX
	SARL $8, BX
	MOVL 6(DX), R9
	SHLL $8, R9
	SARL $8, R9
	MOVL 8(DX), R10
	SARL $8, R10
	MOVL AX, X0
	MOVL R9, X1
	PUNPCKLLQ X1, X0
	CVTPL2PD X0, X0
	MULPD X7, X0
	MOVUPD X0, (DI)(R8*8)
	MOVL BX, X2
	MOVL R10, X3
	PUNPCKLLQ X3, X2
	CVTPL2PD X2, X2
	MULPD X7, X2
	MOVUPD X2, (SI)(R8*8)
	ADDQ $12, DX
	ADDQ $2, R8
	CMPQ R8, CX
	JLT loop

done:
	RET
