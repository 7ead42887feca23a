//go:build !purego

#include "textflag.h"

// func curveBallisticsSSE2(lg, out *float64, n int, k *curveParams, y float64) float64
//
// curveBallisticsGo's loop, scalar SSE2, operation for operation:
//
//	xdB = lg[i]*dbPerUnit
//	t   = min(relu(xdB - kneeLo), knee)     relu: the sign bit spread over
//	r   = slope*((t*t)*invTwoW + relu(xdB - kneeHi))   the word masks it to +0
//	r   = start < g[i] ? r : +0
//	d   = y - r
//	p   = max(att*d, rel*d)  (min when att > rel; on a NaN, rel*d)
//	p   = 0 if -flush < p < flush
//	y   = p + r, then 0 if y < floor and r == 0
//	g[i] = (makeup - y)*octavesPerDB
//
// MINSD against knee is the unsigned-integer min of the Go code: both are
// non-negative (relu cleared the sign), where the bit patterns order like
// the values, and a NaN gives knee either way. The flush and the release
// floor are branches: they are taken for long runs (an idle or settled
// detector) or not at all, and predicted.
//
// Registers: X0 y; X1-X11 the parameters; X12-X15 scratch.
TEXT ·curveBallisticsSSE2(SB), NOSPLIT, $0-48
	MOVQ lg+0(FP), AX
	MOVQ out+8(FP), BX
	MOVQ n+16(FP), CX
	MOVQ k+24(FP), R8
	MOVSD y+32(FP), X0
	MOVSD 0(R8), X1   // dbPerUnit
	MOVSD 8(R8), X2   // kneeLo
	MOVSD 16(R8), X3  // kneeHi
	MOVSD 24(R8), X4  // knee (kneeBits)
	MOVSD 32(R8), X5  // invTwoW
	MOVSD 40(R8), X6  // slope
	MOVSD 48(R8), X7  // start
	MOVSD 56(R8), X8  // attack
	MOVSD 64(R8), X9  // release
	MOVSD 72(R8), X10 // makeupDB
	MOVSD 80(R8), X11 // octavesPerDB
	MOVQ 112(R8), R9  // attackAbove
	XORQ DX, DX
	TESTQ CX, CX
	JLE done

loop:
	// The static curve.
	MOVSD (AX)(DX*8), X12
	MULSD X1, X12
	MOVAPD X12, X13
	SUBSD X2, X13
	PSHUFD $0xF5, X13, X14
	PSRAL $31, X14
	PANDN X13, X14
	MINSD X4, X14
	MULSD X14, X14
	MULSD X5, X14
	SUBSD X3, X12
	PSHUFD $0xF5, X12, X13
	PSRAL $31, X13
	PANDN X12, X13
	ADDSD X13, X14
	MULSD X6, X14
	MOVSD (BX)(DX*8), X13
	MOVAPD X7, X12
	CMPSD X13, X12, 1
	ANDPD X12, X14

	// The ballistics: X14 is the reduction r.
	MOVAPD X0, X12
	SUBSD X14, X12
	MOVAPD X12, X13
	MULSD X8, X13
	MULSD X9, X12
	TESTQ R9, R9
	JNE attackabove
	MAXSD X12, X13
	JMP flush

attackabove:
	MINSD X12, X13

flush:
	UCOMISD 96(R8), X13
	JAE flushed
	JPS flushed
	UCOMISD 104(R8), X13
	JBE flushed
	XORPS X13, X13

flushed:
	ADDSD X14, X13
	UCOMISD 88(R8), X13
	JAE stepped
	JPS stepped
	XORPS X12, X12
	UCOMISD X12, X14
	JNE stepped
	JPS stepped
	XORPS X13, X13

stepped:
	MOVAPD X13, X0
	MOVAPD X10, X12
	SUBSD X0, X12
	MULSD X11, X12
	MOVSD X12, (BX)(DX*8)
	INCQ DX
	CMPQ DX, CX
	JLT loop

done:
	MOVSD X0, ret+40(FP)
	RET
