//go:build !purego

#include "textflag.h"

// func peakLevels2SSE2(lv, l, r *float64, n int) (top uint64, nan bool)
//
// The stereo peak detector's loop, two frames per iteration: lv[i] =
// max(|l[i]|, |r[i]|) and top, the largest. For values that are not NaN
// (which after the abs mask are non-negative) MAXPD orders like the Go
// code's unsigned max of the bit patterns, and equal values have equal
// bits. A NaN would not: the kernel then reports nan, and the caller runs
// the Go loop over the block instead. n is even.
TEXT ·peakLevels2SSE2(SB), NOSPLIT, $0-41
	MOVQ lv+0(FP), DI
	MOVQ l+8(FP), SI
	MOVQ r+16(FP), DX
	MOVQ n+24(FP), CX
	PCMPEQL X7, X7
	PSRLQ $1, X7  // the abs mask, both lanes
	XORPD X5, X5  // top
	XORPD X6, X6  // NaN flags
	XORQ AX, AX
	TESTQ CX, CX
	JLE done

loop:
	MOVUPD (SI)(AX*8), X0
	MOVUPD (DX)(AX*8), X1
	ANDPD X7, X0
	ANDPD X7, X1
	MOVAPD X0, X2
	CMPPD X1, X2, 3 // unordered: either is NaN
	ORPD X2, X6
	MAXPD X1, X0
	MOVUPD X0, (DI)(AX*8)
	MAXPD X0, X5
	ADDQ $2, AX
	CMPQ AX, CX
	JLT loop

done:
	MOVAPD X5, X0
	UNPCKHPD X0, X0
	MAXSD X0, X5
	MOVQ X5, top+32(FP)
	MOVMSKPD X6, BX
	TESTQ BX, BX
	SETNE nan+40(FP)
	RET

// func mulSlice2SSE2(x, gain *float64, n int)
//
// x[i] *= gain[i], two at a time: MULPD rounds each lane as MULSD does. n is
// even.
TEXT ·mulSlice2SSE2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ gain+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
	TESTQ CX, CX
	JLE mdone

mloop:
	MOVUPD (DI)(AX*8), X0
	MOVUPD (SI)(AX*8), X1
	MULPD X1, X0
	MOVUPD X0, (DI)(AX*8)
	ADDQ $2, AX
	CMPQ AX, CX
	JLT mloop

mdone:
	RET
