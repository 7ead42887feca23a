//go:build !purego

#include "textflag.h"

// TERM adds c[i+k]·((a[i+k], a[i+k+1]) + (b[j-k], b[j-k+1])) to acc, for
// k = off/8: one term of both windows' sums.
#define TERM(off, acc) \
	MOVUPD off(SI), X4; \
	MOVUPD -off(DI), X5; \
	ADDPD X5, X4; \
	MOVSD off(DX), X6; \
	UNPCKLPD X6, X6; \
	MULPD X6, X4; \
	ADDPD X4, acc

// func dotSym2SSE2(w, c *float64, n int) (s, t float64)
//
// dotSym2's sums in the two lanes of SSE2 registers: the low lane is the
// window w[0:n] (dotSym2's s sums), the high lane the window one sample
// later (its t sums). Each lane adds and multiplies exactly as the scalar
// loop does, in its order (X0-X3 are its four partial sums), so the
// results are the same bits. n >= 1; w has n+1 values, c has n.
//
// SI walks a = w[i:], DI walks b = w[n-half+j:] backwards (j = half-1-i),
// DX walks c[i:]; CX counts groups of four, BX the rest.
TEXT ·dotSym2SSE2(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ c+8(FP), DX
	MOVQ n+16(FP), R8
	MOVQ R8, R9
	SHRQ $1, R9 // half
	MOVQ R8, R10
	SUBQ R9, R10 // n - half
	LEAQ -8(SI)(R10*8), DI
	LEAQ (DI)(R9*8), DI // &w[n-half+half-1] = &b[half-1]
	XORPD X0, X0
	XORPD X1, X1
	XORPD X2, X2
	XORPD X3, X3
	MOVQ R9, CX
	SHRQ $2, CX
	MOVQ R9, BX
	ANDQ $3, BX
	TESTQ CX, CX
	JZ tail

loop4:
	TERM(0, X0)
	TERM(8, X1)
	TERM(16, X2)
	TERM(24, X3)

	ADDQ $32, SI
	SUBQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNZ loop4

tail:
	TESTQ BX, BX
	JZ centre

tail1:
	TERM(0, X0)
	ADDQ $8, SI
	SUBQ $8, DI
	ADDQ $8, DX
	DECQ BX
	JNZ tail1

centre:
	// An odd length has a centre tap c[half] on w[half] (and w[half+1]).
	TESTQ $1, R8
	JZ sum
	MOVQ w+0(FP), SI
	MOVQ c+8(FP), DX
	MOVUPD (SI)(R9*8), X4
	MOVSD (DX)(R9*8), X6
	UNPCKLPD X6, X6
	MULPD X6, X4
	ADDPD X4, X1

sum:
	// (s0 + s1) + (s2 + s3), in both lanes.
	ADDPD X1, X0
	ADDPD X3, X2
	ADDPD X2, X0
	MOVSD X0, s+24(FP)
	UNPCKHPD X0, X0
	MOVSD X0, t+32(FP)
	RET
