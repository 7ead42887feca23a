//go:build !purego

#include "textflag.h"

// func exp2x2(dst, src *float64, n int, k *[16]float64, bits *uint64, tail *float64) int
//
// Exp2Slice's loop over pairs of elements, each in a lane of the SSE2
// registers: the same operations as Exp2's fast path in the same order
// (packed adds, subtracts and multiplies round each lane as the scalar
// ones do; the table index, the 2^k scale and the table lookups are
// integer work on each lane's bits). n is even. It stops at the first pair
// with an element outside |x| <= 1000 (or NaN), which the caller computes
// with Exp2, and returns how many elements it wrote.
//
// k holds lane pairs: the abs mask, 1000, exp2Shift, C1, C2, C3, C4, C5.
// Registers: X0 x, X1 scratch, X2 kd, X3 scratch, X4 scale, X5 scratch,
// X6 tmp, X7 r, X8 r2, X9 scratch, X10-X15 exp2Shift and C1-C5.
TEXT ·exp2x2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ k+24(FP), DX
	MOVQ bits+32(FP), R8
	MOVQ tail+40(FP), R9
	MOVUPD 32(DX), X10
	MOVUPD 48(DX), X11
	MOVUPD 64(DX), X12
	MOVUPD 80(DX), X13
	MOVUPD 96(DX), X14
	MOVUPD 112(DX), X15
	XORQ R10, R10

loop:
	CMPQ R10, CX
	JGE done
	MOVUPD (SI)(R10*8), X0
	// Both |x| <= 1000 (false for NaN), else stop here.
	MOVUPD (DX), X1
	ANDPD X0, X1
	MOVUPD 16(DX), X3
	CMPPD X3, X1, 2 // X1 <= X3
	MOVMSKPD X1, AX
	CMPQ AX, $3
	JNE done
	// kd = x + shift; ki = bits(kd); kd -= shift; r = x - kd
	MOVAPD X0, X2
	ADDPD X10, X2
	MOVQ X2, AX
	PSHUFD $0xee, X2, X3
	MOVQ X3, BX
	ANDQ $127, AX
	ANDQ $127, BX
	// scale = bits[j] + ki<<45
	MOVSD (R8)(AX*8), X4
	MOVHPD (R8)(BX*8), X4
	MOVAPD X2, X5
	PSLLQ $45, X5
	PADDQ X5, X4
	// tmp starts at tail[j]
	MOVSD (R9)(AX*8), X6
	MOVHPD (R9)(BX*8), X6
	SUBPD X10, X2
	MOVAPD X0, X7
	SUBPD X2, X7
	MOVAPD X7, X8
	MULPD X7, X8
	// tmp = ((tail + r*C1) + r2*(C2 + r*C3)) + (r2*r2)*(C4 + r*C5)
	MOVAPD X7, X9
	MULPD X11, X9
	ADDPD X9, X6
	MOVAPD X7, X9
	MULPD X13, X9
	MOVAPD X12, X5
	ADDPD X9, X5
	MULPD X8, X5
	ADDPD X5, X6
	MOVAPD X7, X9
	MULPD X15, X9
	MOVAPD X14, X5
	ADDPD X9, X5
	MOVAPD X8, X9
	MULPD X8, X9
	MULPD X9, X5
	ADDPD X5, X6
	// scale + scale*tmp
	MOVAPD X4, X5
	MULPD X6, X5
	ADDPD X4, X5
	MOVUPD X5, (DI)(R10*8)
	ADDQ $2, R10
	JMP loop

done:
	MOVQ R10, ret+48(FP)
	RET
